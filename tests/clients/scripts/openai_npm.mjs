// The `openai` npm package, unchanged, against the mock: argv = /ai/v1 base URL, gateway base, token.
import OpenAI from "openai";

const [base, , token] = process.argv.slice(2);
const client = new OpenAI({ apiKey: token, baseURL: base });
const LLAMA = "@cf/meta/llama-3.1-8b-instruct";
const ask = [{ role: "user", content: "What is the weather in Lisbon?" }];
const out = {};

const stream = client.chat.completions.stream({ model: LLAMA, messages: ask });
const final = await stream.finalChatCompletion();
out.final = { finish: final.choices[0].finish_reason, text: final.choices[0].message.content.startsWith("Mock") };

const embedded = await client.embeddings.create({ model: "@cf/baai/bge-base-en-v1.5", input: "hello" }); // base64
const vector = embedded.data[0].embedding;
out.embeddings = { dims: vector.length, finite: vector.every((v) => Number.isFinite(v) && Math.abs(v) < 1) };

const response = await client.responses.create({ model: "@cf/openai/gpt-oss-120b", input: "Tell me a joke" });
out.responses = response.output_text;
const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } }];
const called = await client.chat.completions.create({ model: LLAMA, messages: ask, tools });
out.tools = called.choices[0].message.tool_calls[0].function.name;
try {
  await client.chat.completions.create({ model: "@cf/nobody/nothing", messages: ask });
} catch (error) {
  out.error = [error.status, error.constructor.name];
}
console.log(JSON.stringify(out));
