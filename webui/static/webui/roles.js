// How GWS role values read in the UI.
export const ROLE_LABELS = {ROLE_AGENT: "Agent", ROLE_SUPERVISOR: "Supervisor", ROLE_ADMIN: "Admin"};

export function roleNames(roles) {
  return (roles || []).map((role) => ROLE_LABELS[role] || role).join(", ");
}
