#!/bin/bash
# publish.sh PLACEMENT_URL RP_UUID
#
# Publishes this host's vPMEM inventory to OpenStack Placement, as a cron job
# would, e.g. every 5 minutes:
#
#   */5 * * * * root OS_TOKEN=... /usr/share/doc/vpmemctl/examples/publish.sh \
#       http://placement.example.org:8778 7d4a5d2e-...
#
# PLACEMENT_URL is the endpoint of the Placement API, RP_UUID the resource
# provider that stands for this host's vPMEM (one of its own: PUT
# .../inventories replaces every inventory of the provider, so it must not be
# a provider that something else, such as nova-compute, fills too).
#
# Steps: creates the custom resource classes the inventory names (PUT
# /resource_classes/NAME, 201 when created, 204 when they exist already),
# reads the provider's generation, and PUTs the body of
# `vpmemctl inventory -f placement --generation G`. Placement refuses the PUT
# with 409 when the provider changed since the read (another writer, or an
# allocation made meanwhile); then the generation is read again and the PUT
# retried, up to PUBLISH_TRIES times.
#
# Environment:
#   OS_TOKEN                  the token sent as X-Auth-Token (required)
#   OS_PLACEMENT_API_VERSION  the microversion asked for (default 1.26, the
#                             first where every namespace of a class may be
#                             reserved; any later one works the same)
#   VPMEMCTL                  the vpmemctl command (default vpmemctl); its own
#                             variables (VPMEMCTL_CONFIG, ...) pass through
#   PUBLISH_TRIES             attempts at the PUT (default 5)
#
# Needs curl and jq. Prints nothing when all went well. Exit status: 0 published, 1 failed
# (vpmemctl, Placement unreachable or refusing), 2 usage error.

set -u -o pipefail

prog=${0##*/}
if [ $# -ne 2 ]; then
	echo "usage: $prog PLACEMENT_URL RP_UUID" >&2
	exit 2
fi
url=${1%/}
rp=$2
if [ -z "${OS_TOKEN:-}" ]; then
	echo "$prog: OS_TOKEN is not set" >&2
	exit 2
fi
version=${OS_PLACEMENT_API_VERSION:-1.26}
vpmemctl=${VPMEMCTL:-vpmemctl}
tries=${PUBLISH_TRIES:-5}

response=$(mktemp) || exit 1
trap 'rm -f "$response"' EXIT

# placement METHOD PATH [BODY]: one request; the response body is left in
# $response and the HTTP status printed ("000" when there was no answer).
placement() {
	local args=(-sS -o "$response" -w '%{http_code}' -X "$1"
		-H "X-Auth-Token: $OS_TOKEN"
		-H "OpenStack-API-Version: placement $version"
		-H 'Accept: application/json')
	[ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	curl "${args[@]}" "$url$2"
}

# fail WHAT STATUS: report a refused request with Placement's own explanation.
fail() {
	local detail
	if [ "$2" = 000 ]; then
		echo "$prog: $1: no answer from $url" >&2
		exit 1
	fi
	detail=$(jq -r '[.errors[].detail | split("\n\n") | last | gsub("^\\s+|\\s+$"; "")] | join("; ")' \
		"$response" 2>/dev/null) || detail=$(head -c 500 "$response")
	echo "$prog: $1: HTTP $2${detail:+: $detail}" >&2
	exit 1
}

classes=$("$vpmemctl" inventory -f placement | jq -r '.inventories | keys[]') || exit 1
for rc in $classes; do
	case $rc in CUSTOM_*) ;; *) continue ;; esac
	status=$(placement PUT "/resource_classes/$rc")
	case $status in 201 | 204) ;; *) fail "PUT /resource_classes/$rc" "$status" ;; esac
done

for ((try = 1; try <= tries; try++)); do
	status=$(placement GET "/resource_providers/$rp")
	[ "$status" = 200 ] || fail "GET /resource_providers/$rp" "$status"
	generation=$(jq -e -r .generation "$response") || exit 1
	body=$("$vpmemctl" inventory -f placement --generation "$generation") || exit 1
	status=$(placement PUT "/resource_providers/$rp/inventories" "$body")
	case $status in
	200) exit 0 ;;
	409)
		code=$(jq -r '.errors[0].code // empty' "$response" 2>/dev/null)
		# Only a generation conflict is worth a retry; any other 409 (such as
		# a class removed while allocated) will not go away by itself.
		[ "$code" = placement.concurrent_update ] ||
			fail "PUT /resource_providers/$rp/inventories" "$status"
		;;
	*) fail "PUT /resource_providers/$rp/inventories" "$status" ;;
	esac
done
echo "$prog: the provider's generation kept changing: gave up after $tries tries" >&2
exit 1
