#!/usr/bin/env node
import { main } from './cli';
import { runAsProcess } from './process';

await runAsProcess(main);
