// What Passport keeps in `req.user` for a signed-in request (loaded by SessionSerializer).
declare global {
  namespace Express {
    interface User {
      id: number;
      username: string;
      email: string;
      /** Whether the address has been verified (see User.emailVerifiedAt). */
      emailVerified: boolean;
    }
  }
}

export {};
