import HostCPU
print("gantry")
