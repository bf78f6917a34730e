/** The signed-in sessions that the floor app (stack-floor-app.ts) holds, one per user. */
export const FLOOR_USERS = 1000;

export const floorSessionId = (userId: number): string => `floor-session-${userId}`;

export const FLOOR_SESSION_IDS = Array.from({ length: FLOOR_USERS }, (_, i) =>
  floorSessionId(i + 1),
);
