# Sourced by scripts/bench-aws and scripts/hot-text: LocalStack (and moto for SageMaker) on
# free ports, a fleet of PER_ACCOUNT endpoints in each of three accounts seeded with boto3,
# the AWS_* variables that point the SDK at them, and a fan-out config in $cfg.
# Needs $run_dir (removed on exit) and $per_account; sets $py, $accounts and $cfg.
emulators=tests/emulators/emulators
"$emulators" install
ls_port="$("$emulators" free-port)"; moto_port="$("$emulators" free-port)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$run_dir"; }
trap cleanup EXIT
setsid "$emulators" localstack "$ls_port" "$run_dir/ls" >"$run_dir/ls.log" 2>&1 & pids+=($!)
setsid "$emulators" moto "$moto_port" >"$run_dir/moto.log" 2>&1 & pids+=($!)
"$emulators" wait "http://127.0.0.1:$ls_port/_localstack/health" 120
"$emulators" wait "http://127.0.0.1:$moto_port/moto-api/" 60

accounts=111111111111,222222222222,333333333333
export AWS_ACCESS_KEY_ID=000000000000 AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ENDPOINT_URL="http://127.0.0.1:$ls_port" AWS_ENDPOINT_URL_SAGEMAKER="http://127.0.0.1:$moto_port" \
  AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
py="target/emulators/moto/bin/python"   # has boto3 (a dependency of moto)
"$py" bench/seed_fleet.py "$accounts" "$per_account"

cfg="$run_dir/config.toml"
{
  echo 'topology = "fanout"'
  for a in ${accounts//,/ }; do
    printf '[[accounts]]\nid = "%s"\nrole_arn = "arn:aws:iam::%s:role/SagewatchOperator"\n' "$a" "$a"
  done
} >"$cfg"
