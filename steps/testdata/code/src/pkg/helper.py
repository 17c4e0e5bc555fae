def run():
    print("hello from helper")
