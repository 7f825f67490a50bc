#!/usr/bin/env bash
# kafka-configs.sh --bootstrap-server HOST:PORT --describe ...: kafka.admin.ConfigCommand (an admin client: also a
# quick "does the broker answer" check from another container).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.ConfigCommand "$@"
