import {
  findRepriceProblem,
  type RepriceField,
  type RepriceOptions,
  type RepriceReport,
  repriceGenerations,
} from '@llm-metrics/db/reprice';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, type ChangeContext } from '../audit/audit.service';
import { ApiException } from '../common/api-error';
import { TiersService } from '../tiers/tiers.service';
import type { RepriceRequestDto, RepriceResultDto } from './reprice.dto';

/** The request's names for the fields the db package checks. */
const FIELD_OF: Readonly<Record<RepriceField, string>> = {
  tier: 'tier',
  model: 'model',
  from: 'from',
  to: 'to',
  batchSize: 'batch_size',
};

/**
 * Runs the db package's repricing. It works in batches of their own transactions, so an applied run
 * is audited once it has finished (with the totals before and after), not inside one transaction.
 */
@Injectable()
export class RepriceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tiers: TiersService,
    private readonly audit: AuditService,
  ) {}

  async reprice(body: RepriceRequestDto, change: ChangeContext): Promise<RepriceResultDto> {
    const options: RepriceOptions = {
      tier: body.tier,
      model: body.model,
      from: new Date(body.from),
      to: new Date(body.to),
      apply: body.apply === true,
      batchSize: body.batch_size,
    };
    const problem = findRepriceProblem(options);
    if (problem !== undefined) {
      throw ApiException.invalid(
        FIELD_OF[problem.field],
        problem.describe((field) => FIELD_OF[field]).replace(/^\S+ /, ''),
      );
    }
    const tier = await this.tiers.get(body.tier);
    const result = toDto(await repriceGenerations(this.dataSource, options));
    if (result.applied && result.rows_changed > 0) {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, change, {
          action: 'tier.reprice',
          entity_type: 'tier',
          entity_id: tier.id,
          before: { total_usd: result.old_total_usd },
          after: result,
        }),
      );
    }
    return result;
  }
}

function toDto(report: RepriceReport): RepriceResultDto {
  return {
    tier: report.tier,
    model: report.model,
    from: report.from,
    to: report.to,
    applied: report.applied,
    rows_matched: report.rowsMatched,
    rows_changed: report.rowsChanged,
    transitions: report.transitions,
    rows_left_unpriced: report.rowsLeftUnpriced,
    old_total_usd: report.oldTotalUsd,
    new_total_usd: report.newTotalUsd,
    difference_usd: report.differenceUsd,
    batches: report.batches,
  };
}
