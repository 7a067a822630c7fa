#!/usr/bin/env bash
# The two-host libvirt/QEMU lab: hostA and hostB are network+mount+UTS
# namespaces on this machine, each with its own sshd, virtlogd and libvirtd,
# and two small TCG guests (gsend, grecv) booted on hostA.
# Facts behind the choices below are at the end of test/lab/README.md.
#
#   lab.sh up | down | status
#   lab.sh exec HOST CMD...            run CMD inside HOST's namespaces (cwd is /)
#   lab.sh stop-libvirtd HOST | start-libvirtd HOST
#   lab.sh rekey HOST                  new ssh host key; known_hosts keep the old one
#   lab.sh trust                       rewrite every known_hosts from the current keys
#   lab.sh shape RATE [BURST [LATENCY]] | unshape   tc tbf on each host's link, in and out
#   lab.sh cut-link | heal-link        hostA and hostB stop (start) reaching each other; both
#                                      stay reachable from this machine (where tsmig runs)
#   lab.sh kill-sshd HOST | start-sshd HOST   every sshd of HOST, sessions included
#   lab.sh external-traffic start | stop   a client outside both hosts (this machine, 10.200.0.254)
#                                      that receives gsend's stream and sends grecv one; boot the
#                                      guests with TSMIG_LAB_TRAFFIC=external to point gsend at it
#                                      (README: with --auto-converge gsend died on arrival)
#   lab.sh reset-guests                destroy the guests wherever they are, boot them on hostA
#   lab.sh logs [LINES]                the last LINES (default 15) of every host's QEMU, guest
#                                      console and libvirtd logs (what a failed lab test needs)
#
#   TSMIG_LAB_DIR    state dir (default /tmp/tsmig-lab): keys, inventory.yml, pids
#   TSMIG_LAB_CACHE  where install-deps.sh put the guest kernel (default /var/cache/tsmig-lab)
#   TSMIG_LAB_GRECV_DIRTY_MIB  MiB grecv rewrites every second (default 16; 0 = a receiver that
#                    dirties no memory, like the seed's netperf server), read by up and reset-guests
#   TSMIG_LAB_TRAFFIC  internal (default: gsend sends to grecv) or external (gsend sends to
#                    this machine, which also sends to grecv: see external-traffic)
set -euo pipefail

readonly LAB_DIR="${TSMIG_LAB_DIR:-/tmp/tsmig-lab}"
readonly CACHE_DIR="${TSMIG_LAB_CACHE:-/var/cache/tsmig-lab}"
GUEST_ASSETS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/guest"
readonly GUEST_ASSETS
readonly DEVICES_FILE="${LAB_DIR}/devices"

readonly HOSTS=(hostA hostB)
declare -rA HOST_IP=([hostA]=10.200.0.1 [hostB]=10.200.0.2)
readonly PREFIX_LEN=24
readonly MGMT_BRIDGE=labmgmt
readonly MGMT_IP=10.200.0.254
# Inside each host the veth end is renamed eth0 and enslaved to br0: eth0's
# counters carry everything the host and its guests send to the other host.
readonly HOST_NIC=eth0
readonly GUEST_BRIDGE=br0

readonly GUESTS=(gsend grecv)
declare -rA GUEST_MAC=([gsend]=52:54:00:00:00:11 [grecv]=52:54:00:00:00:12)
declare -rA GUEST_IP=([gsend]=10.200.0.11 [grecv]=10.200.0.12)
declare -rA GUEST_MEMORY_MIB=([gsend]=192 [grecv]=256)
declare -rA GUEST_ROLE_ARGS=(
  [gsend]="tsmig.role=send $([[ "${TSMIG_LAB_TRAFFIC:-internal}" == external ]] && echo 'tsmig.peer=10.200.0.254 tsmig.port=5001' || echo 'tsmig.peer=10.200.0.12 tsmig.port=5000') tsmig.tx_kib=2048"
  [grecv]="tsmig.role=recv tsmig.port=5000 tsmig.dirty_mib=${TSMIG_LAB_GRECV_DIRTY_MIB:-16}"
)
readonly GUEST_HOME=hostA
readonly GUEST_BOOT_TIMEOUT_S=60

# Private per-host copies of these paths (test/lab/README.md "Two hosts"), bind-mounted
# from ${LAB_DIR}/hosts/HOST/<name>. Root's home is private too, holding only .ssh: sshd runs every
# command through root's login shell, and bash sources ~/.bashrc for it, so a heavy .bashrc on this
# machine (a version manager's init) cost ~0.8 s per SSH command, which no hypervisor pays.
declare -rA BIND_DIRS=(
  [etc-libvirt]=/etc/libvirt
  [run-libvirt]=/run/libvirt
  [lib-libvirt]=/var/lib/libvirt
  [log-libvirt]=/var/log/libvirt
  [cache-libvirt]=/var/cache/libvirt
  [root-home]=/root
  [run-sshd]=/run/sshd
)

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

host_dir() { printf '%s/hosts/%s' "$LAB_DIR" "$1"; }
check_host() {
  [[ -n "${HOST_IP[$1]+x}" ]] || die "unknown host '$1' (hosts: ${HOSTS[*]})"
}
root_veth() { printf 'veth-%s' "$1"; }

# ---------------------------------------------------------------- processes

pid_alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }
read_pid() {
  if [[ -r "$1" ]]; then tr -dc '0-9' <"$1"; fi
}
holder_pid() { read_pid "$(host_dir "$1")/holder.pid"; }

# The holder is the process that owns a host's namespaces; it counts only while
# it still sits in the network namespace recorded when it started (pids recycle).
holder_alive() {
  local pid netns
  pid="$(holder_pid "$1")"
  netns="$(cat "$(host_dir "$1")/netns" 2>/dev/null || true)"
  pid_alive "$pid" && [[ -n "$netns" && "$(readlink "/proc/${pid}/ns/net" 2>/dev/null)" == "$netns" ]]
}

in_host() {
  local host="$1"
  shift
  holder_alive "$host" || die "${host} is not running"
  nsenter -t "$(holder_pid "$host")" -n -m -u -- "$@"
}

# Starts a daemon inside a host, detached from our stdio so that a caller
# reading our output (a test runner) is not kept waiting by it.
start_in_host() {
  local host="$1" logfile="$2"
  shift 2
  in_host "$host" "$@" </dev/null >>"$logfile" 2>&1
}

wait_for() {
  local what="$1" timeout_s="$2" deadline
  shift 2
  deadline=$((SECONDS + timeout_s))
  until "$@"; do
    ((SECONDS < deadline)) || die "timed out after ${timeout_s} s waiting for ${what}"
    sleep 0.05
  done
}

# Every process in a host's network namespace was started by this script
# (through the holder or nsenter), so ending them all ends only our own.
pids_in_netns() {
  local netns="$1" link proc
  for proc in /proc/[0-9]*; do
    link="$(readlink "${proc}/ns/net" 2>/dev/null)" || continue
    [[ "$link" == "$netns" ]] && printf '%s\n' "${proc#/proc/}"
  done
  return 0
}

# The namespace is still ours while one of the processes we recorded is in it
# (namespace ids are reused once a namespace is gone).
host_netns_alive() {
  local dir="$1" netns="$2" pidfile pid
  for pidfile in holder.pid run-sshd/sshd.pid run-libvirt/virtlogd.pid run-libvirt/libvirtd.pid; do
    pid="$(read_pid "${dir}/${pidfile}")"
    pid_alive "$pid" && [[ "$(readlink "/proc/${pid}/ns/net" 2>/dev/null)" == "$netns" ]] && return 0
  done
  return 1
}

kill_host_processes() {
  local host="$1" dir netns pids deadline
  dir="$(host_dir "$host")"
  netns="$(cat "${dir}/netns" 2>/dev/null || true)"
  [[ -n "$netns" ]] && host_netns_alive "$dir" "$netns" || return 0
  mapfile -t pids < <(pids_in_netns "$netns")
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  deadline=$((SECONDS + 3))
  while ((SECONDS < deadline)); do
    mapfile -t pids < <(pids_in_netns "$netns")
    ((${#pids[@]})) || return 0
    sleep 0.05
  done
  log "${host}: SIGKILL to $(ps -o pid=,comm= -p "$(IFS=,; echo "${pids[*]}")" | tr -s ' \n' ' ')"
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

# ---------------------------------------------------------------- root namespace network

record_device() { printf '%s\n' "$1" >>"$DEVICES_FILE"; }

# No IPv6 on lab links: router solicitations would show up in the counters.
no_ipv6() { echo 1 >"/proc/sys/net/ipv6/conf/$1/disable_ipv6" 2>/dev/null || true; }

# up has already torn down its own devices, so any left are someone else's.
check_devices_free() {
  local dev host devs=("$MGMT_BRIDGE")
  for host in "${HOSTS[@]}"; do
    devs+=("$(root_veth "$host")")
  done
  for dev in "${devs[@]}"; do
    if ip link show dev "$dev" >/dev/null 2>&1; then
      die "network device ${dev} exists but was not created by this lab: remove it first"
    fi
  done
}

create_mgmt_bridge() {
  ip link add "$MGMT_BRIDGE" type bridge
  record_device "$MGMT_BRIDGE"
  no_ipv6 "$MGMT_BRIDGE"
  ip addr add "${MGMT_IP}/${PREFIX_LEN}" dev "$MGMT_BRIDGE"
  ip link set "$MGMT_BRIDGE" up
}

# veth pair: the root end joins labmgmt, the other end becomes the host's eth0.
link_host() {
  local host="$1" veth peer
  veth="$(root_veth "$host")"
  peer="vh-${host}"
  ip link add "$veth" type veth peer name "$peer"
  record_device "$veth"
  no_ipv6 "$veth"
  ip link set "$peer" netns "$(holder_pid "$host")"
  ip link set "$veth" master "$MGMT_BRIDGE" up
  in_host "$host" ip link set "$peer" name "$HOST_NIC"
}

delete_devices() {
  local dev
  [[ -f "$DEVICES_FILE" ]] || return 0
  # Reverse order: veths before the bridge they are enslaved to.
  while read -r dev; do
    [[ -n "$dev" ]] || continue
    ip link show dev "$dev" >/dev/null 2>&1 && ip link del dev "$dev"
  done < <(tac "$DEVICES_FILE")
  rm -f "$DEVICES_FILE"
}

# ---------------------------------------------------------------- one host

make_host_dirs() {
  local host="$1" dir name
  dir="$(host_dir "$host")"
  for name in "${!BIND_DIRS[@]}"; do
    mkdir -p "${dir}/${name}"
  done
  mkdir -p "${dir}/log-libvirt/qemu" "${dir}/ssh" "${dir}/root-home/.ssh"
  chmod 700 "${dir}/root-home" "${dir}/root-home/.ssh" "${dir}/ssh"
  printf '127.0.0.1 localhost\n' >"${dir}/hosts"
  local h
  for h in "${HOSTS[@]}"; do
    printf '%s %s\n' "${HOST_IP[$h]}" "$h" >>"${dir}/hosts"
  done
}

# test/lab/README.md: distinct host_uuid per libvirtd, else "migrate guest to the same host".
write_libvirt_config() {
  local dir="$1"
  cat >"${dir}/etc-libvirt/libvirtd.conf" <<EOF
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
  # user/group root: /dev/kvm is root-only here, and as libvirt-qemu every call
  # re-probes QEMU (~48 s per create, test/lab/README.md). No cgroups: the namespaces have
  # none (fresh sysfs), and two libvirtds sharing the root ones would collide.
  # No per-QEMU mount namespace: one less layer, the guests have no disks.
  cat >"${dir}/etc-libvirt/qemu.conf" <<EOF
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
cgroup_controllers = [ ]
namespaces = [ ]
EOF
}

write_sshd_config() {
  local host="$1" dir="$2"
  ssh-keygen -q -t ed25519 -N '' -C "$host" -f "${dir}/ssh/ssh_host_ed25519_key"
  cat >"${dir}/sshd_config" <<EOF
Port 22
ListenAddress 0.0.0.0
HostKey ${dir}/ssh/ssh_host_ed25519_key
PidFile /run/sshd/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
UseDNS no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

# Root of each host uses the lab key too, so hostA can reach qemu+ssh://hostB.
write_root_ssh() {
  local dir="$1"
  cp "${LAB_DIR}/id_ed25519" "${LAB_DIR}/id_ed25519.pub" "${dir}/root-home/.ssh/"
  cp "${LAB_DIR}/id_ed25519.pub" "${dir}/root-home/.ssh/authorized_keys"
  chmod 600 "${dir}/root-home/.ssh/id_ed25519"
}

# Starts the process that owns the host's namespaces (it writes its own pid:
# the one unshare runs in). Then the host's private mounts, name and sysfs.
start_holder() {
  local host="$1" dir
  dir="$(host_dir "$host")"
  # shellcheck disable=SC2016 # $$ and $1 belong to the holder's shell
  setsid unshare --net --mount --uts --propagation private -- \
    sh -c 'echo $$ >"$1"; exec sleep infinity' holder "${dir}/holder.pid" \
    </dev/null >/dev/null 2>&1 &
  wait_for "${host} namespaces" 5 holder_started "$dir"
  readlink "/proc/$(holder_pid "$host")/ns/net" >"${dir}/netns"
}

holder_started() {
  local pid
  pid="$(read_pid "$1/holder.pid")"
  pid_alive "$pid" && [[ "$(readlink "/proc/${pid}/ns/net")" != "$(readlink /proc/self/ns/net)" ]]
}

mount_host_paths() {
  local host="$1" dir name target
  dir="$(host_dir "$host")"
  for name in "${!BIND_DIRS[@]}"; do
    target="${BIND_DIRS[$name]}"
    # The mount points must exist on the real filesystem (empty dirs only).
    [[ -d "$target" ]] || mkdir -m 700 "$target"
    in_host "$host" mount --bind "${dir}/${name}" "$target"
  done
  in_host "$host" mount --bind "${dir}/hosts" /etc/hosts
  # test/lab/README.md: only a sysfs mounted inside the netns shows its own devices.
  # Dropping the inherited /sys submounts also hides the root cgroups.
  in_host "$host" umount -R -l /sys
  in_host "$host" mount -t sysfs sysfs /sys
  in_host "$host" hostname "$host"
}

configure_host_network() {
  local host="$1"
  in_host "$host" sh -c "
    echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
    echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
    ip link set lo up
    ip link add '${GUEST_BRIDGE}' type bridge
    ip link set '${HOST_NIC}' master '${GUEST_BRIDGE}' up
    ip addr add '${HOST_IP[$host]}/${PREFIX_LEN}' dev '${GUEST_BRIDGE}'
    ip link set '${GUEST_BRIDGE}' up"
}

libvirtd_pid() { read_pid "$(host_dir "$1")/run-libvirt/libvirtd.pid"; }
libvirtd_ready() {
  pid_alive "$(libvirtd_pid "$1")" && [[ -S "$(host_dir "$1")/run-libvirt/libvirt-sock" ]]
}
sshd_ready() { pid_alive "$(read_pid "$(host_dir "$1")/run-sshd/sshd.pid")"; }

start_sshd() {
  local host="$1" dir
  dir="$(host_dir "$host")"
  start_in_host "$host" "${dir}/daemons.log" /usr/sbin/sshd -f "${dir}/sshd_config" -E "${dir}/sshd.log"
}

# test/lab/README.md: both libvirtds would share /run/libvirtd.pid, hence the pid files in
# the private /run/libvirt; without virtlogd, creating a guest fails (~48 s).
start_virtlogd() {
  start_in_host "$1" "$(host_dir "$1")/daemons.log" /usr/sbin/virtlogd -d -p /run/libvirt/virtlogd.pid
}

# PID 1 on these machines reaps orphans only every second or two, and libvirt
# waits for a killed QEMU to vanish: `virsh destroy` took 1.7 s. QEMU's parent
# is therefore this subreaper (prctl PR_SET_CHILD_SUBREAPER, syscall 157 on
# x86_64), which runs the command and reaps everything orphaned below it until
# nothing is left. perl-base is on every Debian system.
# shellcheck disable=SC2016 # perl code, not shell
readonly REAPER_PL='
  syscall(157, 36, 1, 0, 0, 0) == 0 or die "prctl: $!\n";
  defined(my $pid = fork) or die "fork: $!\n";
  if ($pid == 0) { exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n" }
  1 while wait() != -1;
'

start_libvirtd() {
  local host="$1" dir
  dir="$(host_dir "$host")"
  if libvirtd_ready "$host"; then
    return 0
  fi
  holder_alive "$host" || die "${host} is not running"
  rm -f "${dir}/run-libvirt/libvirt-sock"
  setsid nsenter -t "$(holder_pid "$host")" -n -m -u -- \
    perl -e "$REAPER_PL" -- /usr/sbin/libvirtd -d --pid-file /run/libvirt/libvirtd.pid \
    </dev/null >>"${dir}/daemons.log" 2>&1 &
  wait_for "${host} libvirtd" 20 libvirtd_ready "$host"
}

stop_libvirtd() {
  local host="$1" pid
  pid="$(libvirtd_pid "$host")"
  pid_alive "$pid" || return 0
  kill -TERM "$pid"
  wait_for "${host} libvirtd to exit" 20 pid_gone "$pid"
}
pid_gone() { ! pid_alive "$1"; }

create_host() {
  local host="$1" dir
  dir="$(host_dir "$host")"
  make_host_dirs "$host"
  write_libvirt_config "$dir"
  write_sshd_config "$host" "$dir"
  write_root_ssh "$dir"
  start_holder "$host"
  mount_host_paths "$host"
  link_host "$host"
  configure_host_network "$host"
}

start_host_daemons() {
  local host="$1"
  start_sshd "$host"
  start_virtlogd "$host"
  start_libvirtd "$host"
  wait_for "${host} sshd" 10 sshd_ready "$host"
}

# ---------------------------------------------------------------- keys and inventory

host_public_key() { cut -d' ' -f1,2 "$(host_dir "$1")/ssh/ssh_host_ed25519_key.pub"; }

# The engine's file is keyed by address; the hosts' own by name and address
# (qemu+ssh://hostB/system uses the name).
write_known_hosts() {
  local host dir other
  : >"${LAB_DIR}/known_hosts"
  for host in "${HOSTS[@]}"; do
    printf '%s %s\n' "${HOST_IP[$host]}" "$(host_public_key "$host")" >>"${LAB_DIR}/known_hosts"
  done
  for host in "${HOSTS[@]}"; do
    dir="$(host_dir "$host")"
    : >"${dir}/root-home/.ssh/known_hosts"
    for other in "${HOSTS[@]}"; do
      printf '%s,%s %s\n' "$other" "${HOST_IP[$other]}" "$(host_public_key "$other")" \
        >>"${dir}/root-home/.ssh/known_hosts"
    done
  done
}

# The links' speed the inventory declares: what `shape` set (the planner's time model sends
# migrations at it), else a 1 Gbit/s NIC's.
readonly LINK_MBPS_FILE="${LAB_DIR}/link-mbps"
link_mbps() {
  local mbps
  mbps="$(cat "$LINK_MBPS_FILE" 2>/dev/null || true)"
  [[ "$mbps" =~ ^[0-9]+(\.[0-9]+)?$ ]] && printf '%s' "$mbps" || printf '1000'
}

write_engine_files() {
  local host
  {
    printf 'driver: ssh\n'
    printf 'defaults: { user: root, port: 22, identity_file: %s/id_ed25519, known_hosts: %s/known_hosts, libvirt_uri: "qemu:///system", nic: %s, nic_mbps: %s }\n' \
      "$LAB_DIR" "$LAB_DIR" "$HOST_NIC" "$(link_mbps)"
    printf 'hosts:\n'
    for host in "${HOSTS[@]}"; do
      printf '  %s: { address: %s, migration_address: %s }\n' "$host" "${HOST_IP[$host]}" "$host"
    done
  } >"${LAB_DIR}/inventory.yml"
  # For people: ssh -F "$TSMIG_LAB_DIR/ssh_config" hostA
  {
    for host in "${HOSTS[@]}"; do
      printf 'Host %s\n  HostName %s\n  User root\n  IdentityFile %s/id_ed25519\n  UserKnownHostsFile %s/known_hosts\n  IdentitiesOnly yes\n  BatchMode yes\n' \
        "$host" "${HOST_IP[$host]}" "$LAB_DIR" "$LAB_DIR"
    done
  } >"${LAB_DIR}/ssh_config"
}

# ---------------------------------------------------------------- guests

guest_kernel() {
  local img
  img="$(compgen -G "${CACHE_DIR}/kernel/boot/vmlinuz-*" | sort -V | tail -n 1 || true)"
  [[ -z "$img" ]] && img="$(compgen -G '/boot/vmlinuz-*' | sort -V | tail -n 1 || true)"
  [[ -n "$img" ]] || die "no guest kernel: run test/lab/install-deps.sh"
  printf '%s' "$img"
}

# Modules live next to the image: <root>/boot/vmlinuz-V -> <root>/lib/modules/V.
guest_modules_dir() {
  local img="$1" root
  root="${img%/boot/*}"
  printf '%s/lib/modules/%s/kernel' "$root" "${img##*/vmlinuz-}"
}

# The guest needs these (and what they depend on) to see its virtio NIC;
# whatever the kernel builds in has no file and is skipped.
readonly GUEST_MODULES=(virtio_pci virtio_net)

module_file() {
  find "$1" -name "${2}.ko" -o -name "${2}.ko.xz" | head -n 1
}

# A module's dependencies, from the depends= field of its .modinfo section
# (no kmod/depmod needed).
module_depends() {
  local file="$1"
  if [[ "$file" == *.xz ]]; then xz -dc "$file"; else cat "$file"; fi |
    tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' '\n' | sed '/^$/d'
}

# Appends NAME to the load order after its dependencies (depth-first).
add_module() {
  local modules_dir="$1" name="$2" root="$3" file dep
  grep -qxF "${name}.ko" "${root}/lib/modules/order" && return 0
  file="$(module_file "$modules_dir" "$name")"
  [[ -n "$file" ]] || return 0
  while read -r dep; do
    add_module "$modules_dir" "$dep" "$root"
  done < <(module_depends "$file")
  if [[ "$file" == *.xz ]]; then
    xz -dc "$file" >"${root}/lib/modules/${name}.ko"
  else
    cp "$file" "${root}/lib/modules/${name}.ko"
  fi
  printf '%s.ko\n' "$name" >>"${root}/lib/modules/order"
}

build_initramfs() {
  local modules_dir="$1" out="$2" root mod
  root="$(mktemp -d "${LAB_DIR}/initramfs.XXXXXX")"
  mkdir -p "${root}/bin" "${root}/lib/modules" "${root}/proc" "${root}/sys" "${root}/dev" "${root}/run" "${root}/tmp"
  cp /bin/busybox "${root}/bin/busybox"
  install -m 755 "${GUEST_ASSETS}/init" "${root}/init"
  : >"${root}/lib/modules/order"
  for mod in "${GUEST_MODULES[@]}"; do
    add_module "$modules_dir" "$mod" "$root"
  done
  (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out"
  rm -rf "$root"
}

prepare_guest_assets() {
  local kernel name xml
  kernel="$(guest_kernel)"
  mkdir -p "${LAB_DIR}/guest"
  build_initramfs "$(guest_modules_dir "$kernel")" "${LAB_DIR}/guest/initrd.gz"
  for name in "${GUESTS[@]}"; do
    xml="$(<"${GUEST_ASSETS}/domain.xml")"
    xml="${xml//@NAME@/$name}"
    xml="${xml//@MEMORY_MIB@/${GUEST_MEMORY_MIB[$name]}}"
    xml="${xml//@KERNEL@/$kernel}"
    xml="${xml//@INITRD@/${LAB_DIR}/guest/initrd.gz}"
    xml="${xml//@MAC@/${GUEST_MAC[$name]}}"
    xml="${xml//@CMDLINE@/console=ttyS0 quiet panic=-1 tsmig.ip=${GUEST_IP[$name]}/${PREFIX_LEN} ${GUEST_ROLE_ARGS[$name]}}"
    printf '%s\n' "$xml" >"${LAB_DIR}/guest/${name}.xml"
  done
}

virsh_in() {
  local host="$1"
  shift
  in_host "$host" virsh -q -c qemu:///system "$@"
}

console_log() { printf '%s/log-libvirt/qemu/%s-console.log' "$(host_dir "$1")" "$2"; }
guest_ready() { grep -q 'TSMIG-GUEST-READY' "$(console_log "$1" "$2")" 2>/dev/null; }

# Transient guests (virsh create): nothing to undefine, and a migration moves
# them whole. Persistent copies that a --persistent migration leaves are undefined.
# A new boot must not find the last boot's TSMIG-GUEST-READY, but what a guest printed before it
# was removed (a panic, say) is evidence: it goes on to NAME-console.previous.log.
keep_console_log() {
  local log
  log="$(console_log "$1" "$2")"
  [[ -f "$log" ]] || return 0
  cat "$log" >>"${log%.log}.previous.log"
  rm -f "$log"
}

remove_guests_everywhere() {
  local host name
  for host in "${HOSTS[@]}"; do
    if ! holder_alive "$host" || ! libvirtd_ready "$host"; then
      continue
    fi
    for name in "${GUESTS[@]}"; do
      virsh_in "$host" destroy "$name" >/dev/null 2>&1 || true
      virsh_in "$host" undefine "$name" >/dev/null 2>&1 || true
      keep_console_log "$host" "$name"
    done
  done
}

boot_guests() {
  local name started
  started="$(now)"
  for name in "${GUESTS[@]}"; do
    virsh_in "$GUEST_HOME" create "${LAB_DIR}/guest/${name}.xml" >/dev/null
  done
  for name in "${GUESTS[@]}"; do
    wait_for "guest ${name} to boot" "$GUEST_BOOT_TIMEOUT_S" guest_ready "$GUEST_HOME" "$name"
  done
  log "guests ${GUESTS[*]} booted on ${GUEST_HOME} in $(elapsed "$started") s"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  local started host hosts_started
  started="$(now)"
  cmd_down quiet
  mkdir -p "${LAB_DIR}/hosts"
  rm -f "$LINK_MBPS_FILE" # new links are not shaped
  trap 'log "up failed: tearing down"; cmd_down quiet' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  ssh-keygen -q -t ed25519 -N '' -C tsmig-lab -f "${LAB_DIR}/id_ed25519"
  check_devices_free
  prepare_guest_assets
  create_mgmt_bridge
  hosts_started="$(now)"
  for host in "${HOSTS[@]}"; do
    create_host "$host"
  done
  write_known_hosts
  write_engine_files
  for host in "${HOSTS[@]}"; do
    start_host_daemons "$host"
  done
  log "hosts ${HOSTS[*]} up in $(elapsed "$hosts_started") s"
  boot_guests
  trap - EXIT INT TERM
  log "up in $(elapsed "$started") s; inventory: ${LAB_DIR}/inventory.yml"
}

# Works on a half-built lab: every step checks what exists.
cmd_down() {
  local quiet="${1:-}" started host
  started="$(now)"
  cmd_external_traffic stop
  for host in "${HOSTS[@]}"; do
    kill_host_processes "$host"
  done
  delete_devices
  rm -rf "${LAB_DIR}/hosts" "${LAB_DIR}/guest" "${LAB_DIR}"/initramfs.*
  rm -f "${LAB_DIR}"/{id_ed25519,id_ed25519.pub,known_hosts,inventory.yml,ssh_config}
  [[ -n "$quiet" ]] || log "down in $(elapsed "$started") s"
}

# The QEMU log without the command line libvirt writes at each start (tens of lines of env and
# arguments), the guest's serial console, and libvirtd's errors: read from this machine, so they
# work while a host's daemons are down.
cmd_logs() {
  local lines="${1:-15}" host dir file
  [[ "$lines" =~ ^[0-9]{1,4}$ ]] || die "logs: LINES must be a whole number"
  for host in "${HOSTS[@]}"; do
    dir="$(host_dir "$host")"
    for file in "${dir}"/log-libvirt/qemu/*.log "${dir}/log-libvirt/libvirtd.log"; do
      [[ -s "$file" ]] || continue
      printf -- '--- %s: %s\n' "$host" "${file#"${dir}/log-libvirt/"}"
      case "$file" in
        */libvirtd.log) grep -E ' (error|warning) : ' "$file" | tail -n "$lines" ;;
        *-console.log) tail -n "$lines" "$file" ;;
        # Earlier boots: only what is not the usual boot banner (a panic, say).
        *-console.previous.log) grep -vE 'ACPI BIOS Error|TSMIG-GUEST-READY|^nc: ' "$file" | tail -n "$lines" ;;
        *) grep -vE '^([A-Z_]+=|-|/usr/)|\\$' "$file" | tail -n "$lines" ;;
      esac
    done
  done
}

# Exit 0 when every host and daemon runs, 3 otherwise.
cmd_status() {
  local host dir ok=0 pid what qdisc
  for host in "${HOSTS[@]}"; do
    dir="$(host_dir "$host")"
    if ! holder_alive "$host"; then
      printf '%s: down\n' "$host"
      ok=3
      continue
    fi
    printf '%s: %s namespaces held by pid %s\n' "$host" "${HOST_IP[$host]}" "$(holder_pid "$host")"
    for what in run-sshd/sshd run-libvirt/virtlogd run-libvirt/libvirtd; do
      pid="$(read_pid "${dir}/${what}.pid")"
      if pid_alive "$pid"; then
        printf '  %-9s pid %s\n' "${what##*/}" "$pid"
      else
        printf '  %-9s not running\n' "${what##*/}"
        ok=3
      fi
    done
    if libvirtd_ready "$host"; then
      virsh_in "$host" list --all | sed 's/^/  /'
    fi
  done
  if [[ -f "$DEVICES_FILE" ]]; then
    printf 'root namespace devices: %s\n' "$(tr '\n' ' ' <"$DEVICES_FILE")"
    qdisc="$(tc qdisc show dev "$(root_veth hostA)" 2>/dev/null || true)"
    if [[ "$qdisc" == *tbf* ]]; then
      printf 'link shaped: %s\n' "$qdisc"
    fi
  fi
  return "$ok"
}

cmd_exec() {
  local host="${1:?usage: lab.sh exec HOST CMD...}"
  shift
  check_host "$host"
  (($#)) || die "usage: lab.sh exec HOST CMD..."
  in_host "$host" "$@"
}

cmd_rekey() {
  local host="${1:?usage: lab.sh rekey HOST}" dir new_key
  check_host "$host"
  dir="$(host_dir "$host")"
  ssh-keygen -q -t ed25519 -N '' -C "$host" -f "${dir}/ssh/new_key"
  mv -f "${dir}/ssh/new_key" "${dir}/ssh/ssh_host_ed25519_key"
  mv -f "${dir}/ssh/new_key.pub" "${dir}/ssh/ssh_host_ed25519_key.pub"
  new_key="$(host_public_key "$host")"
  # SIGHUP makes sshd re-exec and read its host keys again.
  kill -HUP "$(read_pid "${dir}/run-sshd/sshd.pid")"
  wait_for "${host} sshd to serve its new key" 10 serves_key "$host" "$new_key"
  log "${host} has a new host key; known_hosts still hold the old one (lab.sh trust restores)"
}

serves_key() {
  local served
  served="$(ssh-keyscan -t ed25519 -T 1 "${HOST_IP[$1]}" 2>/dev/null || true)"
  [[ "$(cut -d' ' -f2,3 <<<"$served")" == "$2" ]]
}

# Each host's link, both directions, like a NIC of that speed (test/lab/README.md: only tbf works
# here, and it shapes what a device sends): the root-side veth sends what enters the host, the
# host's eth0 what leaves it. So a pre-copy meets the guests' outbound traffic at its source and a
# post-copy their inbound traffic at its destination, as on the seed's NICs.
# Buffering keeps the seed's times, not its bytes: a 1 Gbit/s NIC's default queue (1000 packets)
# holds ~12 ms, so the tbf queue holds 10 ms (LATENCY); and 1.7 MB of unsent data in a socket,
# 14 ms at 1 Gbit/s, would hold a post-copy's page requests behind the bulk transfer for 0.85 s
# at 16 Mbit/s, so each host keeps at most 16 KiB unsent per TCP socket (tcp_notsent_lowat:
# 8 ms at 16 Mbit/s). With a 100 ms queue, a post-copied sender's page faults waited behind
# the bulk transfer and its stream stopped for most of the post-copy (docs/results/README.md).
readonly SHAPED_NOTSENT_LOWAT=16384
readonly DEFAULT_NOTSENT_LOWAT=4294967295
cmd_shape() {
  local rate="${1:?usage: lab.sh shape RATE [BURST [LATENCY]], e.g. 8mbit}" burst="${2:-16kb}" latency="${3:-10ms}" host
  for host in "${HOSTS[@]}"; do
    tc qdisc replace dev "$(root_veth "$host")" root tbf rate "$rate" burst "$burst" latency "$latency"
    in_host "$host" tc qdisc replace dev "$HOST_NIC" root tbf rate "$rate" burst "$burst" latency "$latency"
    in_host "$host" sysctl -qw "net.ipv4.tcp_notsent_lowat=${SHAPED_NOTSENT_LOWAT}"
  done
  rate_mbps "$rate" >"$LINK_MBPS_FILE"
  write_engine_files
  log "each host's link shaped to ${rate} in and ${rate} out, queue ${latency}, ${SHAPED_NOTSENT_LOWAT} B unsent per socket (inventory: nic_mbps $(link_mbps))"
}

# tc's rate words (tc(8)): kbit, mbit, gbit (and bps, bytes per second) to Mbit/s.
rate_mbps() {
  awk -v r="$1" 'BEGIN {
    n = r + 0; u = tolower(substr(r, length(n "") + 1))
    f = (u == "kbit") ? 0.001 : (u == "mbit") ? 1 : (u == "gbit") ? 1000 : (u == "bps") ? 8e-6 : (u == "kbps") ? 0.008 : (u == "mbps") ? 8 : -1
    if (n <= 0 || f < 0) { print "1000"; exit }
    printf "%g\n", n * f
  }'
}

cmd_unshape() {
  local host
  for host in "${HOSTS[@]}"; do
    tc qdisc del dev "$(root_veth "$host")" root 2>/dev/null || true
    in_host "$host" tc qdisc del dev "$HOST_NIC" root 2>/dev/null || true
    in_host "$host" sysctl -qw "net.ipv4.tcp_notsent_lowat=${DEFAULT_NOTSENT_LOWAT}" 2>/dev/null || true
  done
  rm -f "$LINK_MBPS_FILE"
  write_engine_files
}

# The external client: on this machine (the management bridge's address), a sink for gsend's
# stream (port 5001) and a source that sends grecv 2 MiB every second (its port 5000), both
# reconnecting when a guest reboots or moves (the feeder ends with its first failed write; its
# connect gives up after 2 s: a SYN sent while grecv boots is otherwise retried with back-off, and
# the stream started up to a minute late). Process groups recorded for stop (and down).
readonly EXTERNAL_PIDS="${LAB_DIR}/external-traffic.pids"
cmd_external_traffic() {
  case "${1:-}" in
    start)
      cmd_external_traffic stop
      # nc quits when its stdin ends: a FIFO opened read-write never ends (as in the guests).
      rm -f "${LAB_DIR}/external-sink.fifo" && mkfifo "${LAB_DIR}/external-sink.fifo"
      setsid bash -c 'while :; do busybox nc -l -p 5001 <>"$1" >/dev/null 2>&1; sleep 0.2; done' sink "${LAB_DIR}/external-sink.fifo" </dev/null >/dev/null 2>&1 &
      echo "$!" >>"$EXTERNAL_PIDS"
      setsid bash -c 'while :; do (while dd if=/dev/zero bs=64k count=32 2>/dev/null; do sleep 1; done) | busybox nc -w 2 '"${GUEST_IP[grecv]}"' 5000 >/dev/null 2>&1; sleep 1; done' </dev/null >/dev/null 2>&1 &
      echo "$!" >>"$EXTERNAL_PIDS"
      log "external traffic: ${MGMT_IP}:5001 receives gsend, ${MGMT_IP} sends to grecv"
      ;;
    stop)
      local pid
      if [[ -r "$EXTERNAL_PIDS" ]]; then
        while read -r pid; do
          [[ "$pid" =~ ^[0-9]+$ ]] && kill -TERM -- "-${pid}" 2>/dev/null || true
        done <"$EXTERNAL_PIDS"
        rm -f "$EXTERNAL_PIDS"
      fi
      ;;
    *) die "usage: lab.sh external-traffic start|stop" ;;
  esac
}

# Bridge port isolation: isolated ports forward only to non-isolated ones, so the hosts lose
# each other (migration streams and libvirt's own connection stall, packets dropped silently,
# as with a dead switch) and keep the management bridge, where tsmig's SSH sessions come from.
cmd_cut_link() {
  local host
  for host in "${HOSTS[@]}"; do
    bridge link set dev "$(root_veth "$host")" isolated on
  done
}

cmd_heal_link() {
  local host
  for host in "${HOSTS[@]}"; do
    bridge link set dev "$(root_veth "$host")" isolated off
  done
}

# The listener and every session's sshd: established SSH connections drop, new ones are refused.
# The listener first, by its pid file: killed after its sessions, it could still accept a new
# connection meanwhile (seen: tsmig reconnected and went on). Then every sshd left in the host's
# netns, scanned again until none is left (a fork during the scan escapes one pass).
cmd_kill_sshd() {
  local host="$1" netns pid pidfile pass found
  netns="$(cat "$(host_dir "$host")/netns")"
  pidfile="$(host_dir "$host")/run-sshd/sshd.pid"
  [[ -s "$pidfile" ]] && kill -KILL "$(<"$pidfile")" 2>/dev/null
  for pass in 1 2 3 4 5; do
    found=0
    for pid in $(pids_in_netns "$netns"); do
      if [[ "$(cat "/proc/${pid}/comm" 2>/dev/null)" == sshd ]]; then
        kill -KILL "$pid" 2>/dev/null
        found=1
      fi
    done
    ((found)) || break
  done
  rm -f "$pidfile"
}

cmd_start_sshd() {
  local host="$1"
  sshd_ready "$host" && return 0
  start_sshd "$host"
  wait_for "${host} sshd" 10 sshd_ready "$host"
}

cmd_reset_guests() {
  local started
  started="$(now)"
  holder_alive "$GUEST_HOME" || die "the lab is not up (lab.sh up)"
  remove_guests_everywhere
  log "old guests removed in $(elapsed "$started") s"
  prepare_guest_assets
  boot_guests
}

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# up, down and reset-guests change shared state: one at a time. flock -o keeps
# the lock's descriptor out of the daemons that up starts.
with_lock() {
  mkdir -p "$LAB_DIR"
  exec flock -o "${LAB_DIR}/.lock" bash "${BASH_SOURCE[0]}" __locked "$@"
}

main() {
  local cmd="${1:-}"
  [[ "$(id -u)" == 0 ]] || die "must run as root"
  [[ "${TSMIG_LAB_GRECV_DIRTY_MIB:-16}" =~ ^[0-9]{1,4}$ ]] || die "TSMIG_LAB_GRECV_DIRTY_MIB must be a whole number of MiB"
  (($#)) && shift
  case "$cmd" in
    up | down | reset-guests) with_lock "$cmd" "$@" ;;
    __locked)
      cmd="$1"
      shift
      "cmd_${cmd//-/_}" "$@"
      ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    exec) cmd_exec "$@" ;;
    stop-libvirtd) check_host "${1:?HOST}" && stop_libvirtd "$1" ;;
    start-libvirtd) check_host "${1:?HOST}" && start_libvirtd "$1" ;;
    rekey) cmd_rekey "$@" ;;
    trust) write_known_hosts ;;
    shape) cmd_shape "$@" ;;
    unshape) cmd_unshape ;;
    cut-link) cmd_cut_link ;;
    heal-link) cmd_heal_link ;;
    external-traffic) cmd_external_traffic "$@" ;;
    kill-sshd) check_host "${1:?HOST}" && cmd_kill_sshd "$1" ;;
    start-sshd) check_host "${1:?HOST}" && cmd_start_sshd "$1" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
