import { UserError } from '../errors.ts';
export async function main(args: string[]): Promise<number> {
  if (args[0] === 'x') throw new UserError('bad thing', 'do this');
  console.log('build', args);
  return 0;
}
