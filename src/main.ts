// The composition root: the only place that wires the layers together (docs/design.md §2).
import { Command } from 'commander';

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('managedapps')
    .description('Run managed-services contracts as code on Kubernetes.')
    .showHelpAfterError();
  await program.parseAsync([...argv], { from: 'user' });
}
