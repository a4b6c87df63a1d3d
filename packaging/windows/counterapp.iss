; Inno Setup script: installs the one-folder bundle for the current user, without admin rights.
; Build on Windows after `python dev.py bundle`:
;     iscc packaging\windows\counterapp.iss
; Data is never installed or removed here: the store lives in %LOCALAPPDATA%\counterapp and
; survives upgrades and uninstalls; the program migrates it (after a backup) on first start.

#define AppName "医保综合柜员"
#define AppVersion GetEnv("COUNTERAPP_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F1A2C3E-5B7D-4E21-9A8C-3D2B1E0F4A57}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=counterapp
DefaultDirName={localappdata}\Programs\counterapp
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=counterapp-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayName={#AppName}

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\dist\counterapp\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\counterapp.exe"
Name: "{autoprograms}\{#AppName}（取号机）"; Filename: "{app}\counterapp.exe"; Parameters: "--kiosk"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\counterapp.exe"

[Run]
Filename: "{app}\counterapp.exe"; Parameters: "--self-test"; Flags: runhidden waituntilterminated; StatusMsg: "正在自检…"
Filename: "{app}\counterapp.exe"; Description: "启动{#AppName}"; Flags: nowait postinstall skipifsilent
