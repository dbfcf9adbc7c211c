"""A frozen copy of the rule model as it was before the throughput work (snowball-rules 2.0.0, commit 70a4dec).

Only the import lines differ from the originals. The regression test compares the shipped, optimised model
against this one: same labels, scores, intents, language and reason on every input. Do not edit these files
to make a test pass; if the model's behaviour is meant to change, bump its version and replace this copy.
"""
