#!/bin/sh
# Installs what the libvirt provider and its tests need on Debian, and only what is missing, so a
# second run costs a few dpkg queries. Run as root. See ../shared/DESIGN.md §6 for why each step.
set -eu

# Test files start in parallel and may all find the packages missing: one apt-get at a time.
exec 9>/tmp/cairn-install-system-deps.lock
flock 9

PACKAGES="libvirt-daemon libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils iptables dnsmasq-base nftables iproute2"

missing=""
for p in $PACKAGES; do
  # dpkg-query prints "install ok installed" only for a package that is fully installed.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-system-deps: missing$missing; run me as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The package lists of a fresh machine are empty or stale; refresh them once, only when installing.
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

# Debian's QEMU driver resolves its compiled-in user and group (libvirt-qemu) when it starts, even
# when qemu.conf overrides them, and refuses to start if they do not exist; libvirt-daemon-system
# (not installed: it wants systemd) would create them, with the kvm group for /dev/kvm.
getent group kvm >/dev/null || groupadd --system kvm
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
getent passwd libvirt-qemu >/dev/null || useradd --system --no-create-home --gid kvm --groups libvirt-qemu --shell /usr/sbin/nologin libvirt-qemu

# Folders libvirtd and virtlogd expect and, without systemd, nobody else creates.
mkdir -p /var/log/libvirt/qemu /run/libvirt /var/lib/libvirt/qemu /var/cache/libvirt

for tool in virsh libvirtd virtlogd qemu-img nft ip; do
  command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 || {
    echo "install-system-deps: $tool still missing after installing" >&2
    exit 1
  }
done
