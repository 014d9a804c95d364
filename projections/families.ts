import type { ProjectionFamily } from '@lifecycle/read-store';
import { campaignMetricsFamily } from './campaign-metrics/campaign-metrics.family';
import { clvFamily } from './clv/clv.family';
import { customerSummaryFamily } from './customer-summary/customer-summary.family';
import { lifecycleFamily } from './lifecycle/lifecycle.family';
import { pointsFamily } from './points/points.family';
import { rfmFamily } from './rfm/rfm.family';
import { tierFamily } from './tier/tier.family';

/**
 * Every projection whose rules are data (a versioned definition file per version). The engine
 * builds each family's registered versions and serves the active one; `lifecycle projections
 * rebuild|diff|list` work on these. Each family lives in projections/<name>/ and is added here.
 */
export const PROJECTION_FAMILIES: readonly ProjectionFamily[] = [customerSummaryFamily, rfmFamily, lifecycleFamily, pointsFamily, tierFamily, clvFamily, campaignMetricsFamily];
