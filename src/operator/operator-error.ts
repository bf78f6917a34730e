/** A command cannot do what it was asked (an unknown address, a refused field): said in words. */
export class OperatorError extends Error {}
