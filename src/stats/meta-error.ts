/** Error thrown when a model cannot be fitted (the cases where metafor's rma.uni stops). */
export class MetaError extends Error {}
