#!/usr/bin/env bash
echo "fetch-models: not written yet"
