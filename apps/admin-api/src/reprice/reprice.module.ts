import { Module } from '@nestjs/common';
import { TiersModule } from '../tiers/tiers.module';
import { RepriceController } from './reprice.controller';
import { RepriceService } from './reprice.service';

@Module({ imports: [TiersModule], controllers: [RepriceController], providers: [RepriceService] })
export class RepriceModule {}
