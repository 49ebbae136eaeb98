# ---- common-read.ps1: inserted by loadGuestScript (src/guest/scriptCatalog.ts) at the marker line of EVERY
# guest script, diagnose included. Read-only: no command or method here may change the guest (the diagnose
# allow-list test checks the composed diagnose text). Windows PowerShell 5.1, ASCII, one statement per line.

# Well-known SIDs instead of account names: names are localized ("VORDEFINIERT\Administratoren").
$SidSystem = 'S-1-5-18'
$SidNetworkService = 'S-1-5-20'
$SidAdministrators = 'S-1-5-32-544'
# FILE_ALL_ACCESS and FILE_GENERIC_READ without SYNCHRONIZE: what "(F)" and "(R)" grant on a file.
$FullControlMask = 2032127
$ReadMask = 131209

function Limit-Text {
    # Caps free text (captions, process names, messages) so the result line stays far below Run Command's
    # 4 KB output window. Every caller passes -Max.
    param([object]$Text, [int]$Max = 300)
    if ($null -eq $Text) {
        return $null
    }
    $value = [string]$Text
    if ($value.Length -gt $Max) {
        return $value.Substring(0, $Max)
    }
    return $value
}

function Get-SidFileRights {
    # The file rights one SID is allowed and denied by a file's access rules, as two masks. Generic rights can
    # survive in ACEs written by tools; they are mapped to the file rights they stand for.
    param([object[]]$Rules, [string]$Sid)
    $allowed = 0
    $denied = 0
    foreach ($rule in $Rules) {
        if ($rule.IdentityReference.Value -ne $Sid) {
            continue
        }
        $mask = [int]$rule.FileSystemRights
        if ($mask -band 268435456) {
            $mask = $mask -bor $FullControlMask
        }
        if ($mask -band -2147483648) {
            $mask = $mask -bor $ReadMask
        }
        if ([string]$rule.AccessControlType -eq 'Allow') {
            $allowed = $allowed -bor $mask
        }
        else {
            $denied = $denied -bor $mask
        }
    }
    return [ordered]@{ allowed = $allowed; denied = $denied }
}
# ---- end of common-read.ps1
