/** SIMULATED: the traits a disk copy or snapshot carries over from its source (see DiskTraits in types.ts). */
import type { DiskTraits } from './types';

export function traitsOf(source: DiskTraits): DiskTraits {
  return {
    ...(source.securityType ? { securityType: source.securityType } : {}),
    ...(source.diskControllerTypes ? { diskControllerTypes: source.diskControllerTypes } : {}),
    ...(source.architecture ? { architecture: source.architecture } : {}),
    ...(source.networkAccessPolicy ? { networkAccessPolicy: source.networkAccessPolicy } : {}),
    ...(source.adeEncrypted ? { adeEncrypted: true } : {}),
  };
}
