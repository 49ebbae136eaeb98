/**
 * SIMULATED: POST virtualMachines/{vm}/retrieveBootDiagnosticsData (spec example
 * VirtualMachine_RetrieveBootDiagnosticsData.json: 200 with consoleScreenshotBlobUri and serialConsoleLogBlobUri).
 * With boot diagnostics off the operation is refused; Azure's exact code is not documented (assumed: 409
 * OperationNotAllowed), which the product must treat as "no data" whatever it is.
 */
import { ArmHttpError, badRequest } from '../http/armErrors';
import type { Route } from '../http/router';
import { SAS_DEFAULT_MINUTES, type BootDiagnosticsService } from '../bootDiagnostics/bootDiagnosticsService';
import { requireResource, type HandlerDeps } from './common';

const VM_PATH = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{vmName}';

export function bootDiagnosticsRoutes(service: BootDiagnosticsService): (deps: HandlerDeps) => Route[] {
  return (deps) => [
    {
      method: 'POST',
      path: `${VM_PATH}/retrieveBootDiagnosticsData`,
      operation: 'virtualMachines.retrieveBootDiagnosticsData',
      // It changes nothing: a read in the request log, like the effective-NSG POST.
      kind: 'read',
      permission: 'Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action',
      handle: (context) => {
        const vm = requireResource(
          deps.world,
          deps.world.store.virtualMachines,
          context.params,
          'Microsoft.Compute/virtualMachines',
          'vmName',
        );
        const raw = context.query.get('sasUriExpirationTimeInMinutes');
        const minutes = raw === null ? SAS_DEFAULT_MINUTES : Number(raw);
        if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
          throw badRequest(
            'InvalidParameter',
            'sasUriExpirationTimeInMinutes must be between 1 and 1440.',
            'sasUriExpirationTimeInMinutes',
          );
        }
        if (vm.bootDiagnostics === 'off') {
          throw new ArmHttpError(409, 'OperationNotAllowed', `Boot diagnostics are not enabled for the virtual machine '${vm.name}'.`);
        }
        return { status: 200, body: service.issue(vm, minutes) };
      },
    },
  ];
}
