#!/usr/bin/env bash
# Installs what the two-host libvirt/QEMU lab needs (see test/lab/README.md).
# Idempotent: exits quickly when everything is already there. Debian 12, as root.
#
#   TSMIG_LAB_STACK  backports (default): libvirt 11 and QEMU 10 from bookworm-backports, the
#                    stack operators run today; or stable: Debian 12's libvirt 9.0 and QEMU 7.2,
#                    whose TCG loses dirty pages (test/lab/README.md). Switching installs or
#                    downgrades libvirt's and QEMU's packages; an unchanged stack makes no apt call.
#   TSMIG_LAB_CACHE  where the guest kernel is kept (default /var/cache/tsmig-lab)
set -euo pipefail

readonly CACHE_DIR="${TSMIG_LAB_CACHE:-/var/cache/tsmig-lab}"
readonly KERNEL_DIR="${CACHE_DIR}/kernel"
readonly STACK="${TSMIG_LAB_STACK:-backports}"

# test/lab/README.md "Packages": sshd for each host; busybox-static and cpio build the guest's
# initramfs; xz-utils unpacks modules if the kernel ships them as .ko.xz.
readonly BASE_PACKAGES=(
  openssh-server openssh-client
  iproute2 util-linux busybox-static cpio gzip xz-utils
)
# The packages whose versions are the stack (apt pulls the rest of libvirt's and QEMU's split
# packages from the same suite).
readonly STACK_PACKAGES=(
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
  qemu-system-x86 qemu-utils
)
readonly BACKPORTS_SOURCES=/etc/apt/sources.list.d/tsmig-bookworm-backports.sources
# libvirt's major version tells the stacks apart: 11 in bookworm-backports, 9 in bookworm.
declare -rA STACK_SUITE=([backports]=bookworm-backports [stable]=bookworm)
declare -rA STACK_LIBVIRT_MAJOR=([backports]=11 [stable]=9)

log() { printf 'install-deps: %s\n' "$*" >&2; }

need_root() {
  if [[ "$(id -u)" != 0 ]]; then
    log "must run as root"
    exit 1
  fi
}

missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == installed ]] || printf '%s\n' "$pkg"
  done
}

installed_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

apt_updated=0
apt_update_once() {
  if [[ "$apt_updated" == 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
}

# Waits for another apt (a Chromium install, say) instead of failing on dpkg's lock.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y -qq \
    --no-install-recommends "$@" >/dev/null
}

install_base_packages() {
  local missing
  mapfile -t missing < <(missing_packages "${BASE_PACKAGES[@]}")
  if [[ "${#missing[@]}" == 0 ]]; then
    return 0
  fi
  apt_update_once
  log "installing ${missing[*]}"
  apt_install "${missing[@]}"
}

stack_in_place() {
  local version
  [[ -z "$(missing_packages "${STACK_PACKAGES[@]}")" ]] || return 1
  version="$(installed_version libvirt-daemon)"
  [[ "${version%%.*}" == "${STACK_LIBVIRT_MAJOR[$STACK]}" ]]
}

add_backports_suite() {
  [[ -f "$BACKPORTS_SOURCES" ]] && return 0
  log "adding bookworm-backports to apt's sources"
  cat >"$BACKPORTS_SOURCES" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt_updated=0
}

# Installed packages built from libvirt's or QEMU's sources: the split packages pin each
# other's exact versions, so a switch moves them all at once.
installed_stack_family() {
  dpkg-query -W -f='${db:Status-Status} ${Package} ${source:Package}\n' 2>/dev/null |
    awk '$1 == "installed" && ($3 == "libvirt" || $3 == "qemu") { print $2 }'
}

has_version_in() {
  apt-cache madison "$1" 2>/dev/null | awk -v s="$2" '$0 ~ (" " s "/") { found = 1 } END { exit !found }'
}

# pkg/SUITE takes the suite's version (a downgrade for stable); a package the suite does not have
# (libvirt 11's extra split packages, going back to stable) is removed (pkg-).
install_stack() {
  local suite pkg args=() family
  [[ -n "${STACK_SUITE[$STACK]+x}" ]] || {
    log "TSMIG_LAB_STACK must be backports or stable, not '${STACK}'"
    exit 2
  }
  stack_in_place && return 0
  suite="${STACK_SUITE[$STACK]}"
  [[ "$STACK" == backports ]] && add_backports_suite
  apt_update_once
  mapfile -t family < <(installed_stack_family)
  for pkg in $(printf '%s\n' "${STACK_PACKAGES[@]}" "${family[@]}" | sort -u); do
    if has_version_in "$pkg" "$suite"; then
      args+=("${pkg}/${suite}")
    else
      args+=("${pkg}-")
    fi
  done
  log "installing the ${STACK} stack from ${suite}"
  apt_install --allow-downgrades -t "$suite" "${args[@]}"
  # Going back from libvirt 11, whose libvirt-common had taken over files of libvirt 9's packages
  # (/usr/share/libvirt/cpu_map/*): removing it deleted them, and the downgraded packages did not
  # put them back (libvirtd then fails every domain: "failed to parse ... cpu_map/index.xml").
  if [[ "$STACK" == stable ]]; then
    mapfile -t family < <(installed_stack_family)
    apt_install --reinstall -t "$suite" "${family[@]}"
  fi
  if ! stack_in_place; then
    log "the ${STACK} stack is not in place after apt-get (libvirt-daemon $(installed_version libvirt-daemon))"
    exit 1
  fi
}

# test/lab/README.md: the packages do not create the libvirt-qemu user on a machine like this
# one, and libvirtd expects /var/log/libvirt/qemu to exist.
ensure_users_and_dirs() {
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
  getent passwd libvirt-qemu >/dev/null ||
    useradd --system --gid libvirt-qemu --home-dir /var/lib/libvirt --no-create-home \
      --shell /usr/sbin/nologin libvirt-qemu
  mkdir -p /var/log/libvirt/qemu
}

# A kernel counts as usable when the image and its module tree are both there.
have_boot_kernel() {
  local img
  for img in /boot/vmlinuz-*; do
    [[ -f "$img" && -d "/lib/modules/${img#/boot/vmlinuz-}/kernel" ]] && return 0
  done
  return 1
}

have_cached_kernel() {
  compgen -G "${KERNEL_DIR}/boot/vmlinuz-*" >/dev/null
}

# linux-image-cloud-amd64 is a metapackage: download the versioned image it depends on.
fetch_cloud_kernel() {
  local tmp pkg deb
  apt_update_once
  pkg="$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"
  if [[ -z "$pkg" ]]; then
    log "cannot resolve linux-image-cloud-amd64 to a versioned kernel package"
    exit 1
  fi
  tmp="$(mktemp -d)"
  chmod 755 "$tmp" # apt-get download runs as _apt and must write here
  log "downloading ${pkg}"
  (cd "$tmp" && apt-get download -qq "$pkg")
  deb="$(compgen -G "${tmp}/*.deb" | head -n 1)"
  rm -rf "${KERNEL_DIR}.new"
  mkdir -p "${KERNEL_DIR}.new"
  dpkg-deb -x "$deb" "${KERNEL_DIR}.new"
  rm -rf "$KERNEL_DIR" "$tmp"
  mv "${KERNEL_DIR}.new" "$KERNEL_DIR"
}

ensure_guest_kernel() {
  if have_cached_kernel || have_boot_kernel; then
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  fetch_cloud_kernel
}

main() {
  local started="$SECONDS"
  need_root
  install_base_packages
  install_stack
  ensure_users_and_dirs
  ensure_guest_kernel
  log "ready in $((SECONDS - started)) s: ${STACK} stack, libvirt $(installed_version libvirt-daemon), QEMU $(installed_version qemu-system-x86)"
}

main "$@"
