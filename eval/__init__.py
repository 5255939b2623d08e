"""Retrieval evaluation: questions with verbatim gold quotes, span-overlap relevance, ranx metrics.

    python -m eval                          # our questions, every mode
    python -m eval --benchmark alqac2022    # the public legal set
    python -m eval.sweep                    # choosing the index defaults on half the questions
    python -m eval.localities               # a library of many localities: the right locality's answer first
"""
