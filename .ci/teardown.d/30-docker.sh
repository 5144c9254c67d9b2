#!/usr/bin/env bash
# Stops the private Docker engine started by .ci/setup.d/30-docker.sh: removes every container
# it still runs, stops dockerd (and its tini supervisor) by pid, unmounts what it left under its
# data and exec roots. Images stay cached in the data root for the next run.
cd "$(dirname "$0")/../.." && exec docker/engine stop
