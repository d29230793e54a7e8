import type { LlmContextWindow, LlmPriceVersion } from '@llm-metrics/db/entities';
import { addPriceVersion } from '@llm-metrics/db/price-versions';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiException } from '../common/api-error';
import { AuditService, type ChangeContext } from '../audit/audit.service';
import type { CreateTierDto, PriceVersionDto, UpdateTierDto } from './tiers.dto';
import { TiersRepository, type VersionPrices } from './tiers.repository';

/** The fields of a change that make a new price version rather than an update of the tier row. */
const PRICE_FIELDS = [
  'model_name',
  'cost_per_1m_input_usd',
  'cost_per_1m_output_usd',
  'cost_per_1m_cached_input_usd',
  'cost_per_1m_cache_write_usd',
  'cost_per_1m_reasoning_usd',
] as const satisfies readonly (keyof UpdateTierDto & keyof VersionPrices)[];

/**
 * Tiers and their prices. A price never changes in place: every change adds a price version (the db
 * package's `addPriceVersion`), recorded generations keep their frozen cost, and each change commits
 * together with its audit entry.
 */
@Injectable()
export class TiersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tiers: TiersRepository,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<LlmContextWindow[]> {
    return this.tiers.list();
  }

  async get(tier: string): Promise<LlmContextWindow> {
    return (await this.tiers.findByName(tier)) ?? throwNotFound(tier);
  }

  async priceHistory(tier: string): Promise<PriceVersionDto[]> {
    await this.get(tier);
    return this.tiers.getPriceHistory(tier, new Date());
  }

  async create(body: CreateTierDto, change: ChangeContext): Promise<LlmContextWindow> {
    return this.dataSource.transaction(async (manager) => {
      if ((await this.tiers.findByName(body.tier, manager)) !== null) {
        throw new ApiException(409, `tier ${body.tier} already exists`, [
          { field: 'tier', message: 'already exists' },
        ]);
      }
      await this.tiers.insert(manager, {
        tier: body.tier,
        model_name: body.model_name,
        max_tokens: body.max_tokens,
        cost_per_1m_input_usd: body.cost_per_1m_input_usd,
        cost_per_1m_output_usd: body.cost_per_1m_output_usd,
        supports_streaming: body.supports_streaming ?? true,
        is_active: body.is_active ?? true,
      });
      const version = await this.addVersion(manager, body.tier, pricesOf(body), body.effective_from);
      const after = await this.mustFind(manager, body.tier);
      await this.record(manager, change, 'tier.create', null, { ...after, price_version: version });
      return after;
    });
  }

  /** Settings change the row; a model or price change adds a version starting at `effective_from`. */
  async update(tier: string, body: UpdateTierDto, change: ChangeContext): Promise<LlmContextWindow> {
    const changesPrice = PRICE_FIELDS.some((field) => body[field] !== undefined);
    if (!changesPrice && body.effective_from !== undefined) {
      throw ApiException.invalid('effective_from', 'applies only with a model or price change');
    }
    return this.dataSource.transaction(async (manager) => {
      const before = (await this.tiers.findByNameForUpdate(manager, tier)) ?? throwNotFound(tier);
      const { max_tokens, supports_streaming, is_active } = body;
      const settings = definedOnly({ max_tokens, supports_streaming, is_active });
      if (Object.keys(settings).length > 0) await this.tiers.updateSettings(manager, tier, settings);
      let version: LlmPriceVersion | null = null;
      if (changesPrice) {
        const effectiveFrom = body.effective_from ?? new Date().toISOString();
        const current = await this.tiers.findPricesAt(manager, tier, new Date(effectiveFrom));
        version = await this.addVersion(manager, tier, mergePrices(current, before, body), effectiveFrom);
      }
      const after = await this.mustFind(manager, tier);
      if (version !== null || Object.keys(settings).length > 0) {
        await this.record(manager, change, 'tier.update', before, { ...after, price_version: version });
      }
      return after;
    });
  }

  /** Deactivates a tier; its prices and every recorded generation stay as they are. */
  async deactivate(tier: string, change: ChangeContext): Promise<LlmContextWindow> {
    return this.dataSource.transaction(async (manager) => {
      const before = (await this.tiers.findByNameForUpdate(manager, tier)) ?? throwNotFound(tier);
      if (!before.is_active) return before;
      await this.tiers.updateSettings(manager, tier, { is_active: false });
      const after = await this.mustFind(manager, tier);
      await this.record(manager, change, 'tier.deactivate', before, after);
      return after;
    });
  }

  private addVersion(
    manager: EntityManager,
    tier: string,
    prices: VersionPrices,
    effectiveFrom: string | undefined,
  ): Promise<LlmPriceVersion> {
    const now = new Date();
    return addPriceVersion(
      manager,
      { tier, ...prices, effective_from: effectiveFrom === undefined ? now : new Date(effectiveFrom) },
      now,
    );
  }

  private async mustFind(manager: EntityManager, tier: string): Promise<LlmContextWindow> {
    return (await this.tiers.findByName(tier, manager)) ?? throwNotFound(tier);
  }

  private record(
    manager: EntityManager,
    change: ChangeContext,
    action: string,
    before: object | null,
    after: LlmContextWindow & { price_version?: LlmPriceVersion | null },
  ): Promise<void> {
    return this.audit.record(manager, change, {
      action,
      entity_type: 'tier',
      entity_id: after.id,
      before,
      after,
    });
  }
}

function throwNotFound(tier: string): never {
  throw ApiException.notFound('tier', tier);
}

function pricesOf(body: CreateTierDto): VersionPrices {
  return {
    model_name: body.model_name,
    cost_per_1m_input_usd: body.cost_per_1m_input_usd,
    cost_per_1m_output_usd: body.cost_per_1m_output_usd,
    cost_per_1m_cached_input_usd: body.cost_per_1m_cached_input_usd ?? null,
    cost_per_1m_cache_write_usd: body.cost_per_1m_cache_write_usd ?? null,
    cost_per_1m_reasoning_usd: body.cost_per_1m_reasoning_usd ?? null,
  };
}

/**
 * A partial change over the version it replaces (or the tier row, for a tier without versions).
 * A field absent from the body keeps its value; an explicit null clears an optional price.
 */
function mergePrices(
  current: VersionPrices | undefined,
  tier: LlmContextWindow,
  body: UpdateTierDto,
): VersionPrices {
  const base: VersionPrices = current ?? {
    model_name: tier.model_name,
    cost_per_1m_input_usd: tier.cost_per_1m_input_usd,
    cost_per_1m_output_usd: tier.cost_per_1m_output_usd,
    cost_per_1m_cached_input_usd: null,
    cost_per_1m_cache_write_usd: null,
    cost_per_1m_reasoning_usd: null,
  };
  const merged = { ...base };
  for (const field of PRICE_FIELDS) {
    const value = body[field];
    if (value !== undefined) Object.assign(merged, { [field]: value });
  }
  return merged;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
