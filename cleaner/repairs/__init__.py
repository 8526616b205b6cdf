"""The repair stage: mojibake (ftfy's detector, our lossy chains), invisible characters, stray markup."""
