import { join } from 'node:path';
import { parseCommonFields, type ProjectionFamily, type ProjectionParameters, readDefinitionFile, rowProjection } from '@lifecycle/read-store';
import { CampaignEpisode } from './campaign-metrics.entity';
import { CampaignEpisodes1767226000000, WinbackHost1767226000001 } from './campaign-metrics.migrations';
import { campaignMetricsFold } from './campaign-metrics.projection';

const parseDefinition = (raw: unknown): ProjectionParameters => {
  const { projection, version, description } = parseCommonFields(raw, campaignMetricsFold.name);
  return { projection, version, ...(description !== undefined && { description }) };
};

export const campaignMetricsFamily: ProjectionFamily = {
  name: campaignMetricsFold.name,
  parseDefinition,
  defaultDefinition: parseDefinition(readDefinitionFile(join(__dirname, 'campaign-metrics.definition.yaml'))),
  create: (definition) => rowProjection({ ...campaignMetricsFold, version: definition.version }, { entity: CampaignEpisode, key: 'episodeKey' }),
  readModel: { entities: [CampaignEpisode], migrations: [CampaignEpisodes1767226000000, WinbackHost1767226000001] },
};
