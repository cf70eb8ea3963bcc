import { UsageError } from './errors';
import type { ParsedArgs } from './flags';

/**
 * The bootstrap admin named by `--admin-email` and `--admin-password` (or `ORDO_ADMIN_EMAIL` /
 * `ORDO_ADMIN_PASSWORD`): both, or neither (`undefined`); one without the other is a
 * {@link UsageError} naming where the given one came from.
 */
export const adminCredentialsFrom = (
  args: ParsedArgs,
): { readonly email: string; readonly password: string } | undefined => {
  const email = args.string('admin-email');
  const password = args.string('admin-password');
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined)
    throw new UsageError(`${args.source('admin-password')} needs --admin-email (or ORDO_ADMIN_EMAIL)`);
  if (password === undefined)
    throw new UsageError(`${args.source('admin-email')} needs --admin-password (or ORDO_ADMIN_PASSWORD)`);
  return { email, password };
};
