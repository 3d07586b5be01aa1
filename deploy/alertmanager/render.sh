#!/bin/sh
# Render the Alertmanager configuration template from environment variables, then start
# Alertmanager on it (the container's entrypoint; busybox sh and sed suffice).
#
#   AM_WEBHOOK_DEFAULT_URL   required: where alerts go when no team variable is set
#   AM_WEBHOOK_<TEAM>_URL    optional, TEAM in QUALITY SECURITY COMPLIANCE SLO
#                            INFRASTRUCTURE COST
#   AM_WEBHOOK_PAGER_URL     optional: critical alerts of every team also go there
#   AM_CONFIG_TEMPLATE       default /etc/alertmanager/alertmanager.tmpl.yml
#   AM_CONFIG_OUT            default /tmp/alertmanager.yml
#
# `render.sh --render-only [OUT]` writes the configuration and exits (used by the tests);
# otherwise the remaining arguments are passed to alertmanager.
set -eu

: "${AM_WEBHOOK_DEFAULT_URL:?set AM_WEBHOOK_DEFAULT_URL (see docs/deploy.md#alert-receivers)}"
template=${AM_CONFIG_TEMPLATE:-/etc/alertmanager/alertmanager.tmpl.yml}
out=${AM_CONFIG_OUT:-/tmp/alertmanager.yml}
render_only=false
if [ "${1:-}" = "--render-only" ]; then
    render_only=true
    shift
    if [ $# -gt 0 ]; then out=$1; shift; fi
fi

# Escape what sed's replacement treats specially: \ & and the | delimiter.
escape() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

script=""
for name in DEFAULT QUALITY SECURITY COMPLIANCE SLO INFRASTRUCTURE COST PAGER; do
    var="AM_WEBHOOK_${name}_URL"
    eval "value=\${$var:-\$AM_WEBHOOK_DEFAULT_URL}"
    case "$value" in
        http://*|https://*) ;;
        *) echo "render.sh: $var must be an http(s) URL" >&2; exit 2 ;;
    esac
    script="${script}s|\${${var}}|$(escape "$value")|g;"
done
sed -e "$script" "$template" > "$out"
if grep -q '\${AM_WEBHOOK_' "$out"; then
    echo "render.sh: unknown placeholder left in $out" >&2
    exit 2
fi

if [ "$render_only" = true ]; then
    exit 0
fi
exec /bin/alertmanager --config.file="$out" "$@"
