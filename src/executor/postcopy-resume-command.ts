// What an operator runs on the source to resume a post-copy left paused between two hosts.
export function postcopyResumeCommand(vm: string, to: string): string {
  return `virsh migrate --live --postcopy --postcopy-resume ${vm} qemu+ssh://${to}/system`;
}
