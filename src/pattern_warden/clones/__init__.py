"""Duplicate detection: exact, renamed and similar clones, and "does this exist already?".

The engines are ``clones.detect.find_duplicates`` and ``clones.similar.find_similar``; this
package root imports nothing so that the result models load without rapidfuzz.
"""
