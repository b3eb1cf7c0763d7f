import type { SemanticCheck } from './context.js';
import { checkAddresses } from './address-check.js';
import { checkCapacity } from './capacity-check.js';
import { checkDuplicateIdentities } from './identity-check.js';
import { checkInfrastructure } from './infrastructure-check.js';
import { checkLimits } from './limits-check.js';
import { checkReferences } from './reference-check.js';
import { checkVlans } from './vlan-check.js';

/** Every cross-document check, in the order their findings are most useful to read. */
export const semanticChecks: readonly SemanticCheck[] = [
  checkDuplicateIdentities,
  checkReferences,
  checkInfrastructure,
  checkAddresses,
  checkVlans,
  checkLimits,
  checkCapacity,
];
