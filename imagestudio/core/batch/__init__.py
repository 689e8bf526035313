"""Jobs sent through OpenAI's Batch API: the JSONL formats, the batches' tables and the runner that submits,
polls and collects."""
