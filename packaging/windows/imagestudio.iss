; Inno Setup script for the Windows installer (.github/workflows/release.yml runs ISCC on it).
;   iscc /DAppVersion=<imagestudio.__version__> /DSourceDir=<repo>\dist\imagestudio /DOutputDir=<dir> imagestudio.iss
; The version is passed in by the workflow (it is defined once, in imagestudio/__init__.py).
; Code signing plugs in here: define a SignTool in ISCC's command line (/S"signtool=...") and add
; "SignTool=signtool" to [Setup]; the workflow signs the two .exe files before this script runs.
#ifndef AppVersion
  #error AppVersion must be defined (/DAppVersion=...)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\imagestudio"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
AppId={{6F1C5B7E-2F4B-4C8E-9E1A-8B7A3C9D2E41}
AppName=Image Studio
AppVersion={#AppVersion}
AppPublisher=The imagestudio developers
DefaultDirName={autopf}\Image Studio
DefaultGroupName=Image Studio
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=imagestudio-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\icons\imagestudio.ico
UninstallDisplayIcon={app}\imagestudio.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Inno Setup ships no official Simplified Chinese file; the app itself is translated.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Image Studio"; Filename: "{app}\imagestudio.exe"
Name: "{autodesktop}\Image Studio"; Filename: "{app}\imagestudio.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\imagestudio.exe"; Description: "{cm:LaunchProgram,Image Studio}"; Flags: nowait postinstall skipifsilent
