"""The vice-chair's digital signature on the report (PAdES, through pyHanko) and its verification.

``pdf`` draws the report as a PDF, ``keys`` opens the signing key (a PKCS#11 token or a .p12
file) and checks its certificate, ``pades`` signs, ``signoff`` ties the account's sign-off and the
signature into one step, ``stored`` keeps the signed PDF, ``verify`` is what the city runs.
Never Qt; the GUI and the command line call these.
"""
