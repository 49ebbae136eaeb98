import { readConfig } from '../../src/domain/config';
import { ConfigurationError } from '../../src/domain/errors';
import { DEFAULT_RESCUE_VM_SIZES, readCleanupSweepSettings, readRescueVmSettings } from '../../src/domain/rescueVmSettings';

const SUBNET =
  '/subscriptions/5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s';

describe('rescue VM settings', () => {
  it('defaults: built-in image choice, three 2-vCPU sizes of different families, the VM subnet', () => {
    expect(readRescueVmSettings({})).toEqual({ image: null, sizes: DEFAULT_RESCUE_VM_SIZES, subnetId: null });
  });

  it('reads an image URN, a size list and a subnet id', () => {
    expect(
      readRescueVmSettings({
        RESCUE_VM_IMAGE: 'MicrosoftWindowsServer:WindowsServer:2019-datacenter:17763.2',
        RESCUE_VM_SIZES: ' Standard_B2s , Standard_D2s_v5 ',
        RESCUE_VM_SUBNET_ID: SUBNET,
      }),
    ).toEqual({
      image: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2019-datacenter', version: '17763.2' },
      sizes: ['Standard_B2s', 'Standard_D2s_v5'],
      subnetId: SUBNET,
    });
  });

  it.each([
    ['RESCUE_VM_IMAGE', 'MicrosoftWindowsServer:WindowsServer:2019-datacenter', /publisher:offer:sku:version/],
    ['RESCUE_VM_SIZES', 'Standard D2s', /comma-separated list/],
    ['RESCUE_VM_SUBNET_ID', '/subscriptions/x/resourceGroups/rg', /subnet resource id/],
  ])('refuses a bad %s with a clear error naming it', (name, value, message) => {
    expect(() => readRescueVmSettings({ [name]: value })).toThrow(ConfigurationError);
    expect(() => readRescueVmSettings({ [name]: value })).toThrow(message);
    expect(() => readRescueVmSettings({ [name]: value })).toThrow(name);
  });

  it('is part of the repair settings read once per call', () => {
    expect(readConfig({ RESCUE_VM_SIZES: 'Standard_B2s' }).settings.rescueVm?.sizes).toEqual(['Standard_B2s']);
  });
});

describe('cleanup sweep settings', () => {
  it('defaults to reporting leftovers older than 24 hours, deleting nothing', () => {
    expect(readCleanupSweepSettings({})).toEqual({ afterHours: 24, delete: false });
    expect(readCleanupSweepSettings({ CLEANUP_SWEEP_AFTER_HOURS: '2', CLEANUP_SWEEP_DELETE: 'TRUE' })).toEqual({
      afterHours: 2,
      delete: true,
    });
  });

  it.each([
    ['CLEANUP_SWEEP_AFTER_HOURS', '0'],
    ['CLEANUP_SWEEP_AFTER_HOURS', '1.5'],
    ['CLEANUP_SWEEP_DELETE', 'yes'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => readCleanupSweepSettings({ [name]: value })).toThrow(name);
  });
});
