// Module resolution hooks (registered by run.mjs): a bare import (`import OpenAI from "openai"`)
// that the snippet's own folder cannot resolve is resolved from this runner's node_modules, as
// NODE_PATH does for `require` (Node's ES modules ignore NODE_PATH).
const runner = new URL("./run.mjs", import.meta.url).href;
// then from the project's configured packages (`harness packages install`), if any
const project = process.env.HARNESS_NPM_PACKAGES;
const parents = project ? [runner, new URL(`file://${project}/package.json`).href] : [runner];
const notBare = /^(?:[./]|[a-zA-Z][a-zA-Z0-9+.-]*:)/;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || notBare.test(specifier)) throw error;
    for (const parentURL of parents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // next folder
      }
    }
    throw error; // the snippet's own error, naming its file
  }
}
