import readline from 'node:readline/promises';

/** Asks on the terminal, terraform-style: only "yes" applies. */
export async function confirmOnTerminal(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<boolean> {
  const rl = readline.createInterface({ input, output });
  try {
    return (await rl.question(`${question}\n  Only 'yes' will be accepted: `)).trim() === 'yes';
  } finally {
    rl.close();
  }
}
