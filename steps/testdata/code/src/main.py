from pkg import helper

helper.run()
