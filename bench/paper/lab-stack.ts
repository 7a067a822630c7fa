// Which libvirt and QEMU the lab ran on: the daemon's and hypervisor's own versions (`virsh
// version` inside hostA) and the Debian packages they came from (install-deps.sh's stack).
import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const labScript = join(fileURLToPath(new URL('../../', import.meta.url)), 'test/lab/lab.sh');

export interface LabStack {
  libvirt: string;
  qemu: string;
  libvirt_package: string;
  qemu_package: string;
}

/** `virsh version` → the daemon's libvirt and the hypervisor's QEMU version. */
export function parseVirshVersion(text: string): { libvirt: string; qemu: string } {
  const libvirt = /Running against daemon: (\S+)/.exec(text)?.[1] ?? /Using library: libvirt (\S+)/.exec(text)?.[1];
  const qemu = /Running hypervisor: QEMU (\S+)/.exec(text)?.[1];
  if (!libvirt || !qemu) throw new Error(`virsh version: no libvirt or QEMU version in: ${text.slice(0, 300)}`);
  return { libvirt, qemu };
}

async function packageVersion(name: string): Promise<string> {
  const r = await execa('dpkg-query', ['-W', '-f=${Version}', name], { reject: false });
  return r.exitCode === 0 ? r.stdout : 'unknown';
}

export async function labStack(): Promise<LabStack> {
  const { stdout } = await execa(labScript, ['exec', 'hostA', 'virsh', '-c', 'qemu:///system', 'version']);
  return { ...parseVirshVersion(stdout), libvirt_package: await packageVersion('libvirt-daemon'), qemu_package: await packageVersion('qemu-system-x86') };
}
