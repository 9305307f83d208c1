// Reads every Workers AI model out of the packages in this folder and prints one JSON document:
// {sources, typed: {<types package>: [{id, class, inputs, outputs}]}, legacy: {task: [ids]}, aliases}.
// `inputs` and `outputs` are JSON Schemas made from the declared TypeScript types with the compiler's
// own type checker. scripts/gen_catalog.py turns this into harness/mock/data/catalog.json.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { modelAliases, modelMappings } from "@cloudflare/ai";

const require = createRequire(import.meta.url);
const version = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
const TYPES = ["@cloudflare/workers-types", "@cloudflare/workers-types-4"];
const OPAQUE = new Set(["ReadableStream", "Uint8Array", "ArrayBuffer", "Blob", "Response", "AbortSignal", "Float32Array"]);
const MAX_DEPTH = 12;

function schemaMaker(checker) {
  const stack = new Set();
  const literal = (t) => (t.isStringLiteral() || t.isNumberLiteral() ? t.value : null);

  function ofType(type, depth) {
    const f = type.flags;
    if (depth > MAX_DEPTH) return {};
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (f & ts.TypeFlags.Never) return false;
    if (f & ts.TypeFlags.StringLike && !(f & ts.TypeFlags.StringLiteral)) return { type: "string" };
    if (f & ts.TypeFlags.NumberLike && !(f & ts.TypeFlags.NumberLiteral)) return { type: "number" };
    if (f & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === "true" };
    if (f & ts.TypeFlags.Boolean) return { type: "boolean" };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.value };
    if (f & ts.TypeFlags.Null) return { type: "null" };
    if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return false;
    if (type.isUnion()) return union(type, depth);
    if (type.isIntersection() && type.types.some((t) => t.flags & ts.TypeFlags.StringLike)) return { type: "string" };
    const name = type.getSymbol()?.getName();
    if (name && OPAQUE.has(name)) return { "x-binary": name };
    if (checker.isArrayType(type)) return { type: "array", items: ofType(checker.getTypeArguments(type)[0], depth + 1) };
    if (checker.isTupleType(type)) {
      const items = checker.getTypeArguments(type).map((t) => ofType(t, depth + 1));
      return { type: "array", prefixItems: items, minItems: items.length, maxItems: items.length };
    }
    if (f & ts.TypeFlags.Object || type.isIntersection()) return object(type, depth);
    return {};
  }

  function union(type, depth) {
    const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    if (parts.length && parts.every((t) => literal(t) !== null)) return { enum: parts.map(literal) };
    if (parts.length === 2 && parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    const branches = parts.map((t) => ofType(t, depth + 1)).filter((s) => s !== false);
    if (branches.length === 1) return branches[0];
    return branches.some((s) => Object.keys(s).length === 0) ? {} : { anyOf: branches };
  }

  function object(type, depth) {
    if (stack.has(type)) return {};
    if (checker.getSignaturesOfType(type, ts.SignatureKind.Call).length) return { "x-binary": "function" };
    stack.add(type);
    try {
      const properties = {};
      const required = [];
      for (const prop of checker.getPropertiesOfType(type)) {
        const decl = prop.valueDeclaration ?? prop.declarations?.[0];
        const propType = decl ? checker.getTypeOfSymbolAtLocation(prop, decl) : checker.getTypeOfSymbol(prop);
        if (prop.flags & ts.SymbolFlags.Method) continue;
        properties[prop.getName()] = ofType(propType, depth + 1);
        if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.getName());
      }
      const schema = { type: "object", properties };
      if (required.length) schema.required = required;
      const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
      if (index) schema.additionalProperties = ofType(index, depth + 1);
      return schema;
    } finally {
      stack.delete(type);
    }
  }
  return (type) => ofType(type, 0);
}

// Named types of the newest types package that the mock serves beyond the models.
const NAMED = ["AIGatewayProviders", "AiGatewayLog", "AiGatewayPatchLog", "ChatCompletionsInput", "AiModelsSearchObject"];

function typedModels(pkg) {
  const file = require.resolve(`${pkg}/index.d.ts`);
  const program = ts.createProgram([file], { noLib: false, lib: ["lib.es2022.d.ts"], types: [], strict: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const models = [];
  const named = {};
  const toSchema = schemaMaker(checker);
  ts.forEachChild(source, (node) => {
    const name = node.name?.text;
    if ((ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) && NAMED.includes(name)) {
      named[name] = toSchema(checker.getTypeAtLocation(node.name));
    }
    if (!ts.isInterfaceDeclaration(node) || name !== "AiModels") return;
    for (const member of node.members) {
      const id = member.name.text;
      const classType = checker.getTypeAtLocation(member.type);
      const part = (name) => {
        const symbol = checker.getPropertyOfType(classType, name);
        return symbol ? toSchema(checker.getTypeOfSymbolAtLocation(symbol, member)) : {};
      };
      models.push({ id, class: member.type.getText(source), inputs: part("inputs"), outputs: part("postProcessedOutputs") });
    }
  });
  return { models, named };
}

const legacy = Object.fromEntries(Object.entries(modelMappings).map(([task, entry]) => [task, [...entry.models]]));
const packages = ["@cloudflare/ai", ...TYPES];
const out = {
  sources: packages.map((name) => ({ registry: "npm", package: name, version: version(name) })),
  typed: Object.fromEntries(TYPES.map((pkg) => [pkg, typedModels(pkg).models])),
  named: typedModels(TYPES[0]).named,
  legacy,
  aliases: modelAliases,
};
process.stdout.write(JSON.stringify(out));
