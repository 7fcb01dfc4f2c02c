#!/usr/bin/env bats
# claim -f placement: the body of Placement's PUT /allocations/{consumer_uuid}.

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; standins; }

RP=11111111-2222-4333-8444-555555555555
VM=4b7c1e4e-2f0a-4f7e-9a55-1d2b3c4d5e6f

@test "claim -f placement prints the allocations body with resources per class" {
	run --separate-stderr vpm claim "$VM" '6GB,6GB,LARGE' -f placement --provider "$RP" --project proj --user usr
	assert_success
	run json_get 'd'
	assert_output "{\"allocations\": {\"$RP\": {\"resources\": {\"CUSTOM_PMEM_NAMESPACE_6GB\": 2, \"CUSTOM_PMEM_NAMESPACE_LARGE\": 1}}}, \"project_id\": \"proj\", \"user_id\": \"usr\", \"consumer_generation\": null, \"consumer_type\": \"INSTANCE\"}"
}

@test "without --project and --user the unknown-consumer id stands in, as Nova's default" {
	run --separate-stderr vpm claim "$VM" 6GB -f placement --provider "$RP"
	assert_success
	run json_get '(d["project_id"], d["user_id"])'
	assert_output '["00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"]'
}

@test "--consumer-generation goes into the body" {
	run --separate-stderr vpm claim "$VM" 6GB -f placement --provider "$RP" --consumer-generation 3
	run json_get 'd["consumer_generation"]'
	assert_output '3'
}

@test "the same claim again prints the same body (the claim is not repeated)" {
	vpm claim "$VM" 6GB -f placement --provider "$RP" >"$SCRATCH/first" 2>/dev/null
	run --separate-stderr vpm claim "$VM" 6GB -f placement --provider "$RP"
	assert_success
	assert_output "$(cat "$SCRATCH/first")"
	run vpm inventory -f json
	run json_get 'd["resource_classes"][0]["used"]'
	assert_output '1'
}

@test "with -f placement the instance must be a UUID" {
	run vpm claim vm1 6GB -f placement --provider "$RP"
	assert_failure 2
	assert_output --partial "INSTANCE is Placement's consumer and must be a UUID in lowercase 8-4-4-4-12 form (as Placement stores it), not 'vm1'"
}

@test "-f placement needs --provider, and --provider a UUID" {
	run vpm claim "$VM" 6GB -f placement
	assert_failure 2
	assert_output --partial "-f placement needs --provider RP_UUID"
	run vpm claim "$VM" 6GB -f placement --provider nope
	assert_failure 2
	assert_output --partial "--provider: 'nope' is not a UUID"
}

@test "only the lowercase dashed UUID spelling Placement stores is taken" {
	run vpm claim 4B7C1E4E-2F0A-4F7E-9A55-1D2B3C4D5E6F 6GB -f placement --provider "$RP"
	assert_failure 2
	assert_output --partial "lowercase 8-4-4-4-12"
	run vpm claim 4b7c1e4e2f0a4f7e9a551d2b3c4d5e6f 6GB -f placement --provider "$RP"
	assert_failure 2
	run vpm claim "$VM" 6GB -f placement --provider 11111111-2222-4333-8444-55555555555A
	assert_failure 2
}

@test "--provider without -f placement is a usage error" {
	run vpm claim "$VM" 6GB --provider "$RP"
	assert_failure 2
	assert_output --partial "go with -f placement"
}
