import pkg from '../package.json' with { type: 'json' };

export const TSMIG_VERSION: string = pkg.version;
