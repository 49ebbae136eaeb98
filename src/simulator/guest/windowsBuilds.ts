/**
 * SIMULATED: what a healthy Azure marketplace image of each Windows Server build looks like to the RDP repair,
 * so the simulated guest starts from measured defaults instead of one idealised Windows. Every value names its
 * source; where no source was found, the comment says so and the value is the pessimistic one (the one that
 * would expose a repair that assumes too much).
 *
 * Sources, referred to below by their letter:
 *  [M] mvaferreira/repair-script-library, src/windows/win-fix-rdp-certificate.ps1, header and constants
 *      (field measurements "on healthy marketplace images of every supported build - Server 2012 R2 (9600),
 *      2016 (14393), 2019 (17763), 2022 (20348), 2025 (26100)"): the RDP key container ACLs, the access
 *      masks, the MachineKeys folder descriptor, and the start types of TermService, SessionEnv, UmRdpService,
 *      CryptSvc, KeyIso ("measured identical on all six builds").
 *  [C] the same fork, src/windows/win-fix-rdp-connectivity.ps1 header: "Prepare a Windows VHD or VHDX to upload
 *      to Azure" (learn.microsoft.com/azure/virtual-machines/windows/prepare-for-upload-vhd-image) configures
 *      UserAuthentication=1; SSLCertificateSHA1Hash is absent on a clean marketplace image.
 *  [U] learn.microsoft.com, unattend Microsoft-Windows-TerminalServices-RDP-WinStationExtensions-SecurityLayer:
 *      "1: ... negotiate the method for authentication ... This is the default value."
 *  [S] learn.microsoft.com/windows-server/security/tls/tls-ssl-schannel-ssp-overview ("Applies to: Windows
 *      Server 2022, 2019, 2016"): TLS 1.0/1.1 are deprecated "starting with Windows 11 September Insider
 *      Preview build and later releases"; with no SCHANNEL value set the OS default applies.
 *  [T] techcommunity.microsoft.com, Windows IT Pro Blog, "TLS 1.0 and TLS 1.1 soon to be disabled in Windows"
 *      (2023-08-01): disabled by default "starting with Windows 11 Insider Preview builds in September 2023 and
 *      future Windows OS releases. This change applies to both client and server, but it will not impact any
 *      in-market OS versions."
 *  [H] Microsoft's "Service Host service refactoring" note for Windows 10 1703 and later: on machines with more
 *      than 3.5 GB of memory most svchost-hosted services run in a process of their own; before 1703 (so on
 *      14393) they share one svchost per group. NOT retrievable with the search tool here: stated from the
 *      published behaviour, unverified in this repository. The group contents of 14393 are likewise unverified.
 *  [?] no source found: the pessimistic choice, said so at the value.
 */

/** The builds the simulator knows. */
export const WINDOWS_BUILDS = [14393, 17763, 20348, 26100] as const;
export type WindowsBuild = (typeof WINDOWS_BUILDS)[number];
/** The build a simulated guest is unless a scenario or `--windows-build` says otherwise. */
export const DEFAULT_WINDOWS_BUILD: WindowsBuild = 20348;

export function isWindowsBuild(value: number): value is WindowsBuild {
  return (WINDOWS_BUILDS as readonly number[]).includes(value);
}

/** A principal's access on a file as icacls abbreviates it: F full control, R read, '-' nothing. */
export type FileGrant = 'F' | 'R' | '-';

/** The entries of a healthy RDP key container (f686aace...) in Crypto\RSA\MachineKeys. */
export interface KeyContainerAcl {
  system: FileGrant;
  networkService: FileGrant;
  administrators: FileGrant;
  /** NT SERVICE\SessionEnv (S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833). */
  sessionEnv: FileGrant;
}

/** The svchost group a service is hosted in, to decide which services share a process. */
export type SvchostGroup = 'NetworkService' | 'netsvcs' | 'LocalSystemNetworkRestricted';

export interface RdpServiceDefaults {
  /** Registry Start value: 3 Manual (trigger-started while RDP is enabled). */
  start: 2 | 3 | 4;
  group: SvchostGroup;
}

export interface WindowsBuildDefaults {
  build: WindowsBuild;
  /** Win32_OperatingSystem Caption of the Azure marketplace image. */
  caption: string;
  /** BuildNumber.UBR as diagnose reports it; the UBR stands for "some patched image" (no particular month). */
  buildWithUbr: string;
  keyContainerAcl: KeyContainerAcl;
  /** The MachineKeys folder lists for SYSTEM (it is in Everyone and in Administrators). */
  machineKeysFolderListable: boolean;
  services: { TermService: RdpServiceDefaults; SessionEnv: RdpServiceDefaults; UmRdpService: RdpServiceDefaults };
  /** Services hosted in their own svchost (true) or grouped per svchost group (false). */
  svchostSplit: boolean;
  /** Other services in each group on a build without the split: the siblings a shared svchost holds. */
  groupSiblings: Record<SvchostGroup, readonly string[]>;
  /** SCHANNEL Server default with no Enabled value set. */
  legacyTlsEnabledByDefault: boolean;
  nla: { securityLayer: number; userAuthentication: number; allowSecProtocolNegotiation: number };
}

// [M]: "The key container is owned by SYSTEM, which holds FullControl, and NETWORK SERVICE holds Read on all
// six. ... Up to and including 2016 it is BUILTIN\Administrators with Read. From 17763 onward that entry is
// gone and NT SERVICE\SessionEnv holds FullControl instead."
const ACL_UP_TO_14393: KeyContainerAcl = { system: 'F', networkService: 'R', administrators: 'R', sessionEnv: '-' };
const ACL_FROM_17763: KeyContainerAcl = { system: 'F', networkService: 'R', administrators: '-', sessionEnv: 'F' };

// [M]: TermService, SessionEnv, UmRdpService Start=3 on all builds. Groups: TermService runs in
// "svchost -k NetworkService", SessionEnv in netsvcs, UmRdpService in LocalSystemNetworkRestricted ([?]: the
// group names are not in [M]; they are the image paths these services are registered with, unverified here).
const RDP_SERVICES: WindowsBuildDefaults['services'] = {
  TermService: { start: 3, group: 'NetworkService' },
  SessionEnv: { start: 3, group: 'netsvcs' },
  UmRdpService: { start: 3, group: 'LocalSystemNetworkRestricted' },
};

// [H][?]: a few services of each group, to make a shared svchost real; which ones exactly is unverified and
// matters only in that there are several.
const GROUP_SIBLINGS: WindowsBuildDefaults['groupSiblings'] = {
  NetworkService: ['CryptSvc', 'Dnscache', 'NlaSvc', 'LanmanWorkstation', 'WinRM'],
  netsvcs: ['Schedule', 'Winmgmt', 'ProfSvc', 'iphlpsvc'],
  LocalSystemNetworkRestricted: ['TrkWks', 'PcaSvc', 'UALSVC'],
};

// [U] SecurityLayer 1 is the documented default; [C] UserAuthentication=1 (NLA on) is the Azure guidance;
// fAllowSecProtocolNegotiation=1 [?]: not in the sources found here, 1 (negotiation allowed) assumed.
const NLA = { securityLayer: 1, userAuthentication: 1, allowSecProtocolNegotiation: 1 };

const TABLE: Record<WindowsBuild, WindowsBuildDefaults> = {
  14393: {
    build: 14393,
    caption: 'Microsoft Windows Server 2016 Datacenter',
    buildWithUbr: '14393.7428',
    keyContainerAcl: ACL_UP_TO_14393,
    machineKeysFolderListable: true, // [M] O:SYG:SYD:PAI(A;;0x12019f;;;WD)(A;;FA;;;BA) on all six
    services: RDP_SERVICES,
    svchostSplit: false, // [H] the split came with 1703; 14393 is 1607
    groupSiblings: GROUP_SIBLINGS,
    legacyTlsEnabledByDefault: true, // [S][T] in-market before the change, so TLS 1.0/1.1 stay on
    nla: NLA,
  },
  17763: {
    build: 17763,
    caption: 'Microsoft Windows Server 2019 Datacenter',
    buildWithUbr: '17763.6532',
    keyContainerAcl: ACL_FROM_17763,
    machineKeysFolderListable: true, // [M]
    services: RDP_SERVICES,
    svchostSplit: true, // [H] 1809 > 1703; Azure sizes under 3.5 GB (B1s, B1ms) do NOT split: pass svchostSplit false
    groupSiblings: GROUP_SIBLINGS,
    legacyTlsEnabledByDefault: true, // [S]
    nla: NLA,
  },
  20348: {
    build: 20348,
    caption: 'Microsoft Windows Server 2022 Datacenter Azure Edition',
    buildWithUbr: '20348.3091',
    keyContainerAcl: ACL_FROM_17763,
    machineKeysFolderListable: true, // [M]
    services: RDP_SERVICES,
    svchostSplit: true, // [H]
    groupSiblings: GROUP_SIBLINGS,
    legacyTlsEnabledByDefault: true, // [S]
    nla: NLA,
  },
  26100: {
    build: 26100,
    caption: 'Microsoft Windows Server 2025 Datacenter Azure Edition',
    buildWithUbr: '26100.2894',
    keyContainerAcl: ACL_FROM_17763,
    machineKeysFolderListable: true, // [M]
    services: RDP_SERVICES,
    svchostSplit: true, // [H]
    groupSiblings: GROUP_SIBLINGS,
    // [T]: Server 2025 (November 2024) is a "future Windows OS release" after September 2023, so off; no page
    // naming Server 2025 itself was found. Off is also the pessimistic choice (no legacy TLS to fall back on).
    legacyTlsEnabledByDefault: false,
    nla: NLA,
  },
};

export function windowsBuildDefaults(build: WindowsBuild = DEFAULT_WINDOWS_BUILD): WindowsBuildDefaults {
  return TABLE[build];
}

/** The service SID of NT SERVICE\SessionEnv, which is the same on every installation (derived from the name). */
export const SESSION_ENV_SID = 'S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833';
