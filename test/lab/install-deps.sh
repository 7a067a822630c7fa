#!/usr/bin/env bash
# Installs what the two-host libvirt/QEMU lab needs (see test/lab/README.md).
# Idempotent: exits quickly when everything is already there. Debian 12, as root.
#
#   TSMIG_LAB_CACHE  where the guest kernel is kept (default /var/cache/tsmig-lab)
set -euo pipefail

readonly CACHE_DIR="${TSMIG_LAB_CACHE:-/var/cache/tsmig-lab}"
readonly KERNEL_DIR="${CACHE_DIR}/kernel"

# test/lab/README.md "Packages": the hosts' daemons and tools; busybox-static and cpio build
# the guest's initramfs; xz-utils unpacks modules if the kernel ships them as .ko.xz.
readonly PACKAGES=(
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
  qemu-system-x86 qemu-utils
  openssh-server openssh-client
  iproute2 util-linux busybox-static cpio gzip xz-utils
)

log() { printf 'install-deps: %s\n' "$*" >&2; }

need_root() {
  if [[ "$(id -u)" != 0 ]]; then
    log "must run as root"
    exit 1
  fi
}

missing_packages() {
  local pkg status
  for pkg in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == installed ]] || printf '%s\n' "$pkg"
  done
}

apt_updated=0
apt_update_once() {
  if [[ "$apt_updated" == 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  if [[ "${#missing[@]}" == 0 ]]; then
    return 0
  fi
  apt_update_once
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
  install_packages
  ensure_users_and_dirs
  ensure_guest_kernel
  log "ready in $((SECONDS - started)) s"
}

main "$@"
