import { Module } from '@nestjs/common';
import { ExtractionRunsController } from './extraction-runs.controller';
import { ExtractionRunsService } from './extraction-runs.service';

@Module({ controllers: [ExtractionRunsController], providers: [ExtractionRunsService] })
export class ExtractionRunsModule {}
