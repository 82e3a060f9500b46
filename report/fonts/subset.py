import glob, re
chars = set(chr(c) for c in range(0x20, 0x7f))
for hi in range(0xA1, 0xAA):  # GB2312 symbols and full-width forms
    for lo in range(0xA1, 0xFF):
        try: chars.add(bytes([hi, lo]).decode('gb2312'))
        except UnicodeDecodeError: pass
n = 0
for hi in range(0xB0, 0xF8):  # level-1 and level-2 hanzi
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode('gb2312')); n += 1
        except UnicodeDecodeError: pass
print("hanzi", n)
for f in glob.glob('../../report/*.go') + glob.glob('../../examples/*'):
    for ch in open(f, encoding='utf-8').read():
        if ord(ch) > 0x7f: chars.add(ch)
chars.update("…—–“”‘’·、。，；：！？（）《》〈〉【】〔〕±×÷℃％")
open('chars.txt', 'w', encoding='utf-8').write(''.join(sorted(chars)))
print(len(chars))
