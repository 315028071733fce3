"""A simulated phone's shell: the Android tools a technician's adb client runs, answered from a profile."""

from __future__ import annotations

from collections.abc import Callable

from tenken.sim.android.binder import ServiceArgumentError, build_arguments, format_parcel
from tenken.sim.android.coreutils import TOOLS as COREUTILS
from tenken.sim.android.iphonesubinfo import Modem, transact
from tenken.sim.android.profile import Profile
from tenken.sim.android.shell import Output, Shell, Tool

FEATURES_V2 = ("shell_v2", "cmd")  # what this adbd implements; no sync, no abb

# `dumpsys device_policy` of a phone with no device owner and no work profile, in AOSP's layout; Find My
# Device is a device admin, which is not management.
NO_OWNER_POLICY = """Current Device Policy Manager state:
  Immutable state:
    mHasFeature=true
    mIsWatch=false
    mIsAutomotive=false
    mHasTelephonyFeature=true
    mSafetyChecker=null

  Enabled Device Admins (User 0, provisioningState: 3):
    com.google.android.gms/com.google.android.gms.mdm.receivers.MdmDeviceAdminReceiver:
      uid=10132
      testOnlyAdmin=false
      policies:
        wipe-data
        force-lock
"""


class Phone:
    """The profile's answers to every tool; `shell()` gives a fresh shell for one command line."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.modem = Modem(profile.imeis, deny_identifiers=profile.behaviour.deny_identifiers)
        tools: dict[str, Tool] = dict(COREUTILS)
        tools.update(
            {
                "getprop": self.getprop,
                "service": self.service,
                "dumpsys": self.dumpsys,
                "settings": self.settings,
                "df": self.df,
                "pm": self.pm,
                "id": self.id,
                "which": self.which,
            }
        )
        for name in profile.behaviour.missing_commands:
            tools.pop(name, None)
        self.tools = tools
        self.outputs = {
            line: Output(stdout.encode(), status=status) for line, (stdout, status) in profile.outputs.items()
        }

    @property
    def sdk(self) -> int:
        return self.profile.sdk

    @property
    def has_shell_v2(self) -> bool:
        return self.sdk >= 24  # shell protocol arrived with Android 7.0

    @property
    def features(self) -> tuple[str, ...]:
        return FEATURES_V2 if self.has_shell_v2 else ()

    def banner(self) -> str:
        """The CNXN banner: `:` `;` `=` would break the host's parser, so they are dropped from values."""

        def clean(value: str) -> str:
            return "".join(char for char in value if char not in ":;=\0")

        props = self.profile.props
        fields = [
            f"ro.product.name={clean(props.get('ro.product.name', ''))}",
            f"ro.product.model={clean(props.get('ro.product.model', ''))}",
            f"ro.product.device={clean(props.get('ro.product.device', ''))}",
            f"features={','.join(self.features)}",
        ]
        return "device::" + ";".join(fields)

    def shell(self, on_command: Callable[[str], None] | None = None) -> Shell:
        return Shell(self.tools, on_command=on_command, outputs=self.outputs)

    # ----------------------------------------------------------------------------------------- tools

    def getprop(self, argv: list[str], stdin: bytes) -> Output:
        props = self.profile.props
        if len(argv) == 1:
            if self.profile.raw_getprop is not None:
                return Output(_dump_body(self.profile.raw_getprop).encode())
            return Output("".join(f"[{key}]: [{props[key]}]\n" for key in sorted(props)).encode())
        default = argv[2] if len(argv) > 2 else ""
        return Output(f"{props.get(argv[1], default)}\n".encode())

    def service(self, argv: list[str], stdin: bytes) -> Output:
        args = argv[1:]
        if args[:1] == ["list"]:
            return Output(
                b"Found 2 services:\n0\tiphonesubinfo: [com.android.internal.telephony.IPhoneSubInfo]\n"
                b"1\tbattery: []\n"
            )
        if len(args) == 2 and args[0] == "check":
            found = "found" if args[1] == "iphonesubinfo" else "not found"
            return Output(f"Service {args[1]}: {found}\n".encode())
        if len(args) < 3 or args[0] != "call":
            return Output(
                stderr=b"usage: service [-h|-?]\n       service list\n       service check SERVICE\n"
                b"       service call SERVICE CODE [i32 N | i64 N | f N | d N | s16 STR | null"
                b" | fd f | nfd n | afd f ] ...\n",
                status=10,
            )
        name, code_text, words = args[1], args[2], args[3:]
        if name != "iphonesubinfo":
            return Output(stderr=f"service: Service {name} does not exist\n".encode(), status=10)
        try:
            code = int(code_text, 0)
            arguments = build_arguments(words)
        except (ValueError, ServiceArgumentError) as error:
            return Output(stderr=f"service: {error}\n".encode(), status=10)
        reply = transact(self.sdk, code, arguments, self.modem, self.profile.behaviour.service_code_shift)
        return Output(format_parcel(reply or b"").encode())

    def dumpsys(self, argv: list[str], stdin: bytes) -> Output:
        name = argv[1] if len(argv) > 1 else ""
        if name == "battery":
            return Output(self._battery().encode())
        if name == "account":
            return Output(self._accounts().encode())
        if name == "device_policy":
            return Output(NO_OWNER_POLICY.encode())  # a phone nobody manages; captures give the others
        if name == "iphonesubinfo":
            if self.sdk > 19:
                return Output()  # the dump lost the IMEI with Android 5
            imei = self.modem.imei(0) or ""
            return Output(f"Phone Subscriber Info:\n  Phone Type = GSM\n  Device ID = {imei}\n".encode())
        return Output(stderr=f"Can't find service: {name}\n".encode())

    def _battery(self) -> str:
        battery = self.profile.battery
        lines = [
            "Current Battery Service state:",
            "  AC powered: false",
            f"  USB powered: {str(battery.plugged_usb).lower()}",
            "  Wireless powered: false",
            "  Max charging current: 500000",
            "  Max charging voltage: 5000000",
            f"  Charge counter: {battery.charge_counter}",
            f"  status: {battery.status}",
            f"  health: {battery.health}",
            "  present: true",
            f"  level: {battery.level}",
            f"  scale: {battery.scale}",
            f"  voltage: {battery.voltage}",
            f"  temperature: {battery.temperature}",
            f"  technology: {battery.technology}",
        ]
        lines += [f"  {key}: {value}" for key, value in battery.vendor.items()]
        return "\n".join(lines) + "\n"

    def _accounts(self) -> str:
        accounts = self.profile.accounts
        lines = ["User UserInfo{0:Owner:c13}:", f"  Accounts: {len(accounts)}"]
        lines += [f"    Account {{name={account.name}, type={account.type}}}" for account in accounts]
        lines += ["", "  Active Sessions: 0", "", f"  RegisteredServicesCache: {len(accounts)} services"]
        return "\n".join(lines) + "\n"

    def settings(self, argv: list[str], stdin: bytes) -> Output:
        args = argv[1:]
        if args and args[0] == "--user":
            args = args[2:]
        if len(args) == 3 and args[0] == "get":
            table = self.profile.settings.get(args[1])
            if table is None:
                return Output(stderr=f"Invalid namespace '{args[1]}'\n".encode(), status=255)
            return Output(f"{table.get(args[2], 'null')}\n".encode())
        if len(args) == 2 and args[0] == "list":
            table = self.profile.settings.get(args[1], {})
            return Output("".join(f"{key}={value}\n" for key, value in sorted(table.items())).encode())
        if args[:1] in (["put"], ["delete"]):
            return Output(stderr=b"Security exception: read-only simulated phone\n", status=255)
        return Output(stderr=b"usage:  settings [--user <USER_ID> | current] get namespace key\n", status=1)

    def df(self, argv: list[str], stdin: bytes) -> Output:
        storage = self.profile.storage
        human = "-h" in argv
        mounts = [
            ("/dev/block/dm-6", 6_000_000, 6_000_000, "/"),
            ("tmpfs", 5_800_000, 1_200, "/dev"),
            ("/dev/block/dm-48", storage.data_total_kb, storage.data_used_kb, "/data"),
            ("/dev/fuse", storage.data_total_kb, storage.data_used_kb, "/storage/emulated"),
        ]
        paths = [arg for arg in argv[1:] if not arg.startswith("-")]
        if paths:
            chosen = []
            for path in paths:
                found = max(
                    (m for m in mounts if path.startswith(m[3])), key=lambda m: len(m[3]), default=None
                )
                if found is None:
                    return Output(stderr=f"df: {path}: No such file or directory\n".encode(), status=1)
                chosen.append(found)
            mounts = chosen
        header = (
            "Filesystem        Size  Used Avail Use% Mounted on"
            if human
            else ("Filesystem        1K-blocks     Used Available Use% Mounted on")
        )
        lines = [header]
        for device, total, used, mount in mounts:
            free = total - used
            percent = f"{(used * 100 + total - 1) // total}%" if total else "0%"
            if human:
                lines.append(
                    f"{device:<17} {_human(total):>4} {_human(used):>5} {_human(free):>5} {percent:>4} {mount}"
                )
            else:
                lines.append(f"{device:<17} {total:>9} {used:>8} {free:>9} {percent:>4} {mount}")
        return Output(("\n".join(lines) + "\n").encode())

    def pm(self, argv: list[str], stdin: bytes) -> Output:
        args = argv[1:]
        if args[:2] == ["list", "packages"]:
            filters = [arg for arg in args[2:] if not arg.startswith("-")]
            names = [name for name in self.profile.packages if not filters or filters[0] in name]
            return Output("".join(f"package:{name}\n" for name in names).encode())
        if len(args) == 2 and args[0] == "path":
            if args[1] in self.profile.packages:
                return Output(f"package:/system/priv-app/{args[1]}/{args[1]}.apk\n".encode())
            return Output(status=1)
        return Output(stderr=b"usage: pm list packages [-s|-3] [FILTER]\n       pm path PACKAGE\n", status=1)

    def id(self, argv: list[str], stdin: bytes) -> Output:
        return Output(
            b"uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),"
            b"1015(sdcard_rw),3003(inet) context=u:r:shell:s0\n"
        )

    def which(self, argv: list[str], stdin: bytes) -> Output:
        found = [f"/system/bin/{name}\n" for name in argv[1:] if name in self.tools]
        return Output("".join(found).encode(), status=0 if len(found) == len(argv[1:]) else 1)


def _dump_body(text: str) -> str:
    """A replayed dump without its provenance comment lines, with the phone's own line ends."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if not line.startswith("# ")]
    body = "\n".join(lines).strip("\n")
    return body + "\n"


def _human(kilobytes: int) -> str:
    size = float(kilobytes)
    for unit in ("K", "M", "G", "T"):
        if size < 1024 or unit == "T":
            return f"{size:.1f}{unit}" if size < 10 else f"{size:.0f}{unit}"
        size /= 1024
    return f"{size:.0f}T"
