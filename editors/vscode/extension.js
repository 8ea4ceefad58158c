// Starts `cairn lsp` (the path is the `cairn.path` setting) for .cairn files:
// diagnostics as you type, hover, completion, go to definition, references,
// symbols, rename and formatting all come from the Cairn compiler itself.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("cairn").get("path", "cairn");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "cairn",
    "Cairn",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "cairn" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
