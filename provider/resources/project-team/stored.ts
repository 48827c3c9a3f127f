// ProjectTeam's provider as the engine stores it when the package is installed: this module, by its
// package path (../stored-module). Its exports are the provider's methods.

import { storedModule } from "../stored-module";

const provider = storedModule("ProjectTeam");
export const configure = provider.configure;
export const check = provider.check;
export const diff = provider.diff;
export const create = provider.create;
export const read = provider.read;
export const update = provider.update;
const remove = provider.delete;
export { remove as delete };
