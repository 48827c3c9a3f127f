// OrgRoster's provider as the engine stores it when the package is installed: this module, by its
// package path (../stored-module). Its exports are the provider's methods.
// Its path is in users' state: this file never moves or changes its name.

import { storedModule } from "../stored-module";

const provider = storedModule("OrgRoster");
export const { configure, check, diff, create, read, update } = provider;
const remove = provider.delete;
export { remove as delete };
